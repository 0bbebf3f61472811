package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
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
 * denied-then-changed: the first successful change by a principal within 60 minutes after the event time of one of
 * its permission-denied-burst findings; once per burst; on the changed cluster; referencing the burst's finding_id.
 */
class DeniedThenChangedRuleTest {
  static final RuleConfig CONFIG = RuleConfigs.defaults();
  static final long MINUTE = Times.NANOS_PER_MINUTE;
  static final String MALLORY = "mallory@example.com";

  /** Five denied calls, one a minute from T0: the burst fires at T0 + 4 min. */
  static List<ClusterEvent> burst(long start) {
    List<ClusterEvent> events = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      events.add(change("SetLegacyAbac").cluster("c" + (i % 2 + 1)).by(MALLORY).request("{'enabled': true}")
          .denied().atNanos(start + i * MINUTE).build());
    }
    return events;
  }

  static ClusterEvent changeAt(String cluster, long at) {
    return change("SetLegacyAbac").cluster(cluster).by(MALLORY).request("{'enabled': true}").atNanos(at).build();
  }

  static List<Finding> run(RuleConfig config, List<ClusterEvent> events) {
    return RuleRun.sequential(BehaviourRules.only(config, Rule.DENIED_THEN_CHANGED), events);
  }

  @Test
  void changeAfterTheBurstReferencesItsFinding() {
    List<ClusterEvent> events = burst(nanos(T0));
    ClusterEvent success = changeAt("c3", nanos(T0) + 20 * MINUTE);
    events.add(success);

    List<Finding> findings = run(CONFIG, events);
    List<Finding> bursts = RuleRun.sequential(BurstRule.deniedCalls(CONFIG), events);

    assertThat(bursts, hasSize(1));
    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("denied-then-changed"));
    assertThat(f.severity(), is("HIGH"));
    assertThat(f.clusterName(), is("c3"));
    assertThat(f.eventTimeNanos(), is(success.timeNanos()));
    assertThat(f.evidenceInsertIds(), is(Findings.insertIds(success)));
    assertThat(f.detailsJson(), is("{\"burst_finding_id\":\"" + bursts.get(0).findingId() + "\"}"));
    assertThat(f.windowStartNanos(), is(bursts.get(0).eventTimeNanos()));
  }

  @Test
  void windowIsInclusiveAfterTheBurstAndExclusiveAtIt() {
    long burstAt = nanos(T0) + 4 * MINUTE;
    List<ClusterEvent> atLimit = burst(nanos(T0));
    atLimit.add(changeAt("c1", burstAt + 60 * MINUTE));
    assertThat(run(CONFIG, atLimit), hasSize(1));

    List<ClusterEvent> beyond = burst(nanos(T0));
    beyond.add(changeAt("c1", burstAt + 60 * MINUTE + 1));
    assertThat(run(CONFIG, beyond), is(empty()));

    List<ClusterEvent> sameInstant = burst(nanos(T0));
    sameInstant.add(changeAt("c1", burstAt));
    assertThat(run(CONFIG, sameInstant), is(empty()));
  }

  @Test
  void oncePerBurstAtTheFirstChange() {
    List<ClusterEvent> events = burst(nanos(T0));
    ClusterEvent first = changeAt("c1", nanos(T0) + 10 * MINUTE);
    events.add(first);
    events.add(changeAt("c2", nanos(T0) + 11 * MINUTE));
    List<Finding> findings = run(CONFIG, events);
    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).evidenceInsertIds(), is(Findings.insertIds(first)));
  }

  @Test
  void changeBeforeTheBurstCompletesIsNotReported() {
    List<ClusterEvent> events = burst(nanos(T0));
    events.add(changeAt("c1", nanos(T0) + 3 * MINUTE + 1));
    assertThat(run(CONFIG, events), is(empty()));
  }

  @Test
  void fourDenialsAreNoBurst() {
    List<ClusterEvent> events = burst(nanos(T0)).subList(0, 4);
    List<ClusterEvent> all = new ArrayList<>(events);
    all.add(changeAt("c1", nanos(T0) + 10 * MINUTE));
    assertThat(run(CONFIG, all), is(empty()));
  }

  @Test
  void anotherPrincipalsChangeDoesNotCount() {
    List<ClusterEvent> events = burst(nanos(T0));
    events.add(change("SetLabels").by("bob@example.com").request("{}").atNanos(nanos(T0) + 10 * MINUTE).build());
    assertThat(run(CONFIG, events), is(empty()));
  }

  @Test
  void overlappingWindowsGiveOneFindingPerBurst() {
    // Denied window 5 minutes, escalation 120: two bursts 30 minutes apart, then one change answers both.
    RuleConfig config = RuleConfigs.of("--deniedWindowMinutes=5", "--escalationWindowMinutes=120");
    List<ClusterEvent> events = burst(nanos(T0));
    events.addAll(burst(nanos(T0) + 30 * MINUTE));
    events.add(changeAt("c1", nanos(T0) + 60 * MINUTE));
    List<Finding> findings = run(config, events);
    List<Finding> bursts = RuleRun.sequential(BurstRule.deniedCalls(config), events);
    assertThat(bursts, hasSize(2));
    assertThat(findings, hasSize(2));
    assertThat(findings.stream().map(f -> Findings.details(f).get("burst_finding_id").asText()).sorted().toList(),
        is(bursts.stream().map(Finding::findingId).sorted().toList()));
    assertThat(findings.get(0).findingId().equals(findings.get(1).findingId()), is(false));
  }

  @Test
  void severityFollowsTheChangedCluster() {
    List<ClusterEvent> events = burst(nanos(T0));
    events.add(change("SetLabels").cluster("prod-1").by(MALLORY).request("{}")
        .withCluster(metadata("prod-1").label("criticality", "high").build()).atNanos(nanos(T0) + 30 * MINUTE).build());
    assertThat(run(CONFIG, events).get(0).severity(), is("CRITICAL"));
  }
}
