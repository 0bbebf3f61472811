package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.call;
import static com.gkeaudit.rules.ClusterEvents.change;
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
 * unusual-source: a successful change or a denied call by an established AUTOMATION principal from a source network
 * (not none) that occurs in none of its entries of the preceding 30 days.
 */
class UnusualSourceRuleTest {
  static final RuleConfig CONFIG = RuleConfigs.defaults();
  static final long DAY = Times.NANOS_PER_DAY;
  static final String SA = "ci@proj.iam.gserviceaccount.com";

  static ClusterEvent labels(String principal, String ip, long at) {
    return change("SetLabels").by(principal).from(ip).request("{}").atNanos(at).build();
  }

  static List<Finding> run(List<ClusterEvent> events) {
    return RuleRun.sequential(BehaviourRules.only(CONFIG, Rule.UNUSUAL_SOURCE), events);
  }

  /** Daily changes from the CI runners' NAT (two addresses of one /24) and from inside the VPC. */
  static List<ClusterEvent> routine(String principal, int days) {
    List<ClusterEvent> events = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      events.add(labels(principal, d % 2 == 0 ? "198.51.100.10" : "198.51.100.200", nanos(T0) + d * DAY));
      events.add(labels(principal, "private", nanos(T0) + d * DAY + 3_600_000_000_000L));
    }
    return events;
  }

  @Test
  void serviceAccountFromANewNetworkIsHigh() {
    List<ClusterEvent> events = routine(SA, 10);
    ClusterEvent odd = labels(SA, "203.0.113.9", nanos(T0) + 10 * DAY);
    events.add(odd);

    List<Finding> findings = run(events);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("unusual-source"));
    assertThat(f.severity(), is("HIGH"));
    assertThat(f.evidenceInsertIds(), is(Findings.insertIds(odd)));
    assertThat(f.detailsJson(), is("{\"network\":\"203.0.113.0/24\"}"));
    assertThat(f.remediation(), containsString("gcloud iam service-accounts keys disable KEY_ID --iam-account=" + SA));
  }

  @Test
  void anotherAddressOfAKnownNetworkIsNotReported() {
    List<ClusterEvent> events = routine(SA, 10);
    events.add(labels(SA, "198.51.100.77", nanos(T0) + 10 * DAY));
    events.add(labels(SA, "10.9.8.7", nanos(T0) + 10 * DAY + 1));
    events.add(labels(SA, "gce-internal-ip", nanos(T0) + 10 * DAY + 2));
    assertThat(run(events), is(empty()));
  }

  @Test
  void deniedCallFromANewNetworkIsReported() {
    List<ClusterEvent> events = routine(SA, 10);
    events.add(call("ListClusters").dataAccess().noCluster().by(SA).from("2001:db8:aa:1::5").denied()
        .atNanos(nanos(T0) + 10 * DAY).build());

    List<Finding> findings = run(events);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).detailsJson(), is("{\"network\":\"2001:db8:aa::/48\"}"));
    assertThat(findings.get(0).method(), is("ListClusters"));
  }

  @Test
  void aSuccessfulReadFromANewNetworkIsNotReportedButIsHistory() {
    List<ClusterEvent> events = routine(SA, 10);
    events.add(call("GetCluster").dataAccess().by(SA).from("203.0.113.9").atNanos(nanos(T0) + 10 * DAY).build());
    events.add(labels(SA, "203.0.113.10", nanos(T0) + 10 * DAY + 1));
    assertThat(run(events), is(empty()));
  }

  @Test
  void usersAreNotJudgedByNetwork() {
    List<ClusterEvent> events = routine("dev@example.com", 10);
    events.add(labels("dev@example.com", "203.0.113.9", nanos(T0) + 10 * DAY));
    assertThat(run(events), is(empty()));
  }

  @Test
  void workloadIdentityPrincipalIsAutomation() {
    String wi = "proj.svc.id.goog[ci/deployer]";
    List<ClusterEvent> events = routine(wi, 10);
    events.add(labels(wi, "203.0.113.9", nanos(T0) + 10 * DAY));
    List<Finding> findings = run(events);
    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).remediation(), containsString("Workload Identity"));
  }

  @Test
  void absentOrUnparsableCallerIpIsNone() {
    List<ClusterEvent> events = routine(SA, 10);
    events.add(labels(SA, null, nanos(T0) + 10 * DAY));
    events.add(labels(SA, "unknown", nanos(T0) + 10 * DAY + 1));
    assertThat(run(events), is(empty()));
  }

  @Test
  void baselineAndLookbackEdges() {
    ClusterEvent first = labels(SA, "198.51.100.10", nanos(T0));
    assertThat(run(List.of(first, labels(SA, "203.0.113.9", nanos(T0) + 7 * DAY))), hasSize(1));
    assertThat(run(List.of(first, labels(SA, "203.0.113.9", nanos(T0) + 7 * DAY - 1))), is(empty()));

    ClusterEvent seen = labels(SA, "203.0.113.9", nanos(T0));
    // A successful read is history but never judged.
    ClusterEvent keepAlive = call("GetCluster").dataAccess().by(SA).from("198.51.100.10").atNanos(nanos(T0) + 20 * DAY)
        .build();
    assertThat(run(List.of(seen, keepAlive, labels(SA, "203.0.113.1", nanos(T0) + 30 * DAY))), is(empty()));
    assertThat(run(List.of(seen, keepAlive, labels(SA, "203.0.113.1", nanos(T0) + 30 * DAY + 1))), hasSize(1));
  }
}
