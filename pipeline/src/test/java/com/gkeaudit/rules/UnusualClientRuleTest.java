package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.call;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.options.RuleConfigs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * unusual-client: a successful change by an established principal (first entry + 7 days) with a client family that
 * is not unknown and occurs in none of its entries of the preceding 30 days.
 */
class UnusualClientRuleTest {
  static final RuleConfig CONFIG = RuleConfigs.defaults();
  static final long DAY = Times.NANOS_PER_DAY;
  static final String SA = "terraform@proj.iam.gserviceaccount.com";
  static final String BOB = "bob@example.com";
  static final String TERRAFORM = "Terraform/1.7.5 terraform-provider-google/5.22.0 google-api-go-client/0.5";
  static final String CURL = "curl/8.5.0";

  static ClusterEvent labels(String principal, String agent, long at) {
    return change("SetLabels").by(principal).agent(agent).request("{}").atNanos(at).build();
  }

  static List<Finding> run(List<ClusterEvent> events) {
    return RuleRun.sequential(BehaviourRules.only(CONFIG, Rule.UNUSUAL_CLIENT), events);
  }

  /** The service account's routine: a Terraform change every day from T0 for {@code days} days. */
  static List<ClusterEvent> terraformDays(int days) {
    List<ClusterEvent> events = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      events.add(labels(SA, TERRAFORM, nanos(T0) + d * DAY));
    }
    return events;
  }

  @Test
  void serviceAccountKeyUsedFromCurlIsHigh() {
    List<ClusterEvent> events = terraformDays(10);
    ClusterEvent curl = labels(SA, CURL, nanos(T0) + 10 * DAY);
    events.add(curl);

    List<Finding> findings = run(events);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("unusual-client"));
    assertThat(f.severity(), is("HIGH"));
    assertThat(f.principal(), is(SA));
    assertThat(f.clusterName(), is("c1"));
    assertThat(f.eventTimeNanos(), is(curl.timeNanos()));
    assertThat(f.evidenceInsertIds(), is(Findings.insertIds(curl)));
    assertThat(f.detailsJson(), is("{\"family\":\"curl\",\"known\":[\"terraform\"]}"));
    assertThat(f.mitreTechniques(), is(List.of("T1078.004", "T1550.001")));
    assertThat(f.remediation(), containsString("gcloud iam service-accounts keys list --iam-account=" + SA));
    assertThat(f.remediation(),
        containsString("gcloud iam service-accounts keys disable KEY_ID --iam-account=" + SA));
  }

  @Test
  void userIsMediumAndProductionRaisesIt() {
    List<ClusterEvent> events = new ArrayList<>();
    events.add(labels(BOB, "google-cloud-sdk gcloud/480.0.0", nanos(T0)));
    events.add(labels(BOB, "Mozilla/5.0 (X11)", nanos(T0) + 8 * DAY));
    events.add(change("SetLabels").by(BOB).agent("kubectl/v1.30").request("{}").atNanos(nanos(T0) + 9 * DAY)
        .withCluster(metadata("c1").label("env", "prod").build()).build());

    List<Finding> findings = run(events);

    assertThat(findings.stream().map(Finding::severity).toList(), is(List.of("MEDIUM", "HIGH")));
    assertThat(Findings.details(findings.get(1)).get("known").toString(), is("[\"console\",\"gcloud\"]"));
  }

  @Test
  void knownClientIsNotReported() {
    List<ClusterEvent> events = terraformDays(12);
    assertThat(run(events), is(empty()));
  }

  @Test
  void establishedExactlyAtTheBaseline() {
    ClusterEvent first = labels(SA, TERRAFORM, nanos(T0));
    assertThat(run(List.of(first, labels(SA, CURL, nanos(T0) + 7 * DAY))), hasSize(1));
    assertThat(run(List.of(first, labels(SA, CURL, nanos(T0) + 7 * DAY - 1))), is(empty()));
  }

  @Test
  void firstEntryOfAnyKindStartsTheHistory() {
    // A denied read on another cluster, with no agent, is the principal's first entry.
    ClusterEvent read = call("GetCluster").dataAccess().cluster("other").by(SA).agent(null).denied()
        .atNanos(nanos(T0)).build();
    assertThat(run(List.of(read, labels(SA, CURL, nanos(T0) + 7 * DAY))), hasSize(1));
  }

  @Test
  void lookbackEdgeIsInclusive() {
    ClusterEvent tf = labels(SA, TERRAFORM, nanos(T0));
    // A read with gcloud keeps the account active (a read is history, never a finding).
    ClusterEvent gcloud = call("GetCluster").dataAccess().by(SA).agent("gcloud/480").atNanos(nanos(T0) + 20 * DAY)
        .build();
    // Terraform last seen exactly 30 days before: still known.
    assertThat(run(List.of(tf, gcloud, labels(SA, TERRAFORM, nanos(T0) + 30 * DAY))), is(empty()));
    // One nanosecond more: forgotten.
    List<Finding> late = run(List.of(tf, gcloud, labels(SA, TERRAFORM, nanos(T0) + 30 * DAY + 1)));
    assertThat(late, hasSize(1));
    assertThat(late.get(0).detailsJson(), is("{\"family\":\"terraform\",\"known\":[\"gcloud\"]}"));
  }

  @Test
  void unknownAgentNeverFiresButIsHistory() {
    List<ClusterEvent> events = terraformDays(10);
    events.add(labels(SA, null, nanos(T0) + 10 * DAY));
    events.add(labels(SA, "   ", nanos(T0) + 10 * DAY + 1));
    assertThat(run(events), is(empty()));

    List<ClusterEvent> more = terraformDays(10);
    more.add(labels(SA, null, nanos(T0) + 10 * DAY));
    more.add(labels(SA, CURL, nanos(T0) + 11 * DAY));
    List<Finding> findings = run(more);
    assertThat(findings, hasSize(1));
    assertThat(Findings.details(findings.get(0)).get("known").toString(), is("[\"terraform\",\"unknown\"]"));
  }

  @Test
  void aReadOrDeniedCallWithTheToolMakesItKnown() {
    // docs/behavioural-rules.md: history includes reads and denied calls (visible in events), so the change is not reported.
    List<ClusterEvent> events = terraformDays(10);
    events.add(call("ListClusters").dataAccess().noCluster().by(SA).agent(CURL).atNanos(nanos(T0) + 10 * DAY).build());
    events.add(labels(SA, CURL, nanos(T0) + 10 * DAY + 1));
    assertThat(run(events), is(empty()));

    List<ClusterEvent> denied = terraformDays(10);
    denied.add(change("SetLabels").by(SA).agent(CURL).request("{}").denied().atNanos(nanos(T0) + 10 * DAY).build());
    denied.add(labels(SA, CURL, nanos(T0) + 10 * DAY + 1));
    assertThat(run(denied), is(empty()));
  }

  @Test
  void entriesAtTheSameInstantAreNotPreceding() {
    List<ClusterEvent> events = terraformDays(10);
    long t = nanos(T0) + 10 * DAY;
    // The read sorts first (insertId) but shares the change's timestamp: not strictly before it.
    events.add(call("GetCluster").dataAccess().by(SA).agent(CURL).insertId("aaa-read").atNanos(t).build());
    events.add(labels(SA, CURL, t));
    events.add(labels(SA, CURL, t));
    assertThat(run(events), hasSize(2));
  }

  @Test
  void failedAndGoogleInitiatedChangesAreNotReported() {
    List<ClusterEvent> events = terraformDays(10);
    events.add(change("SetLabels").by(SA).agent(CURL).request("{}").failed(3).atNanos(nanos(T0) + 10 * DAY).build());
    assertThat(run(events), is(empty()));
  }

  @Test
  void oneChangeCanBeNewPrincipalAndUnusualClient() {
    // Bob administers c1 with gcloud; after the cluster's baseline he changes c2 for the first time, with curl.
    List<ClusterEvent> events = new ArrayList<>();
    events.add(change("SetLabels").cluster("c2").by("alice@example.com").request("{}").atNanos(nanos(T0)).build());
    events.add(labels(BOB, "gcloud/480", nanos(T0)));
    ClusterEvent curl = change("SetLabels").cluster("c2").by(BOB).agent(CURL).request("{}")
        .atNanos(nanos(T0) + 8 * DAY).build();
    events.add(curl);

    List<Finding> all = RuleRun.catalogue(CONFIG, events, curl.timeNanos());

    assertThat(Findings.ofRule(all, Rule.NEW_PRINCIPAL), hasSize(1));
    assertThat(Findings.ofRule(all, Rule.UNUSUAL_CLIENT), hasSize(1));
    assertThat(Findings.ofRule(all, Rule.UNUSUAL_CLIENT).get(0).evidenceInsertIds(), is(Findings.insertIds(curl)));
  }
}
