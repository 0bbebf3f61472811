package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.options.RuleConfigs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** multi-cluster-change: one principal, successful changes on at least fanoutThreshold (5) distinct clusters in 60 minutes. */
class MultiClusterChangeTest {
  private static final RuleConfig CONFIG = RuleConfigs.defaults();
  private static final String DEPLOYER = "deployer@fleet-proj.iam.gserviceaccount.com";
  private static final long MINUTE = Times.NANOS_PER_MINUTE;
  private static final long WINDOW = 60 * MINUTE;

  private static ClusterEvent changeOn(String cluster, long timeNanos) {
    return change("SetLabels").cluster(cluster).by(DEPLOYER).request("{'resourceLabels': {'rollout': '42'}}")
        .atNanos(timeNanos).build();
  }

  private static List<Finding> run(List<ClusterEvent> events) {
    return RuleRun.sequential(BurstRule.multiCluster(CONFIG), events);
  }

  /** Changes on fleet-1, fleet-2, ... at T0 plus each offset. */
  private static List<ClusterEvent> fleetChanges(long... offsets) {
    List<ClusterEvent> events = new ArrayList<>();
    for (int i = 0; i < offsets.length; i++) {
      events.add(changeOn("fleet-" + (i + 1), nanos(T0) + offsets[i]));
    }
    return events;
  }

  @Test
  void changesOnFiveClustersWithinTheWindowAreReported() {
    List<ClusterEvent> events = fleetChanges(0, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 20 * MINUTE);

    List<Finding> findings = run(events);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("multi-cluster-change"));
    assertThat(f.severity(), is("HIGH"));
    assertThat(f.principal(), is(DEPLOYER));
    assertThat(f.clusterName(), is(nullValue()));
    assertThat(f.eventTimeNanos(), is(nanos(T0) + 20 * MINUTE));
    assertThat(f.windowStartNanos(), is(nanos(T0)));
    assertThat(f.windowEndNanos(), is(nanos(T0) + 20 * MINUTE));
    assertThat(Findings.details(f).get("clusters").size(), is(5));
    assertThat(f.evidenceInsertIds(), containsInAnyOrder(events.stream().map(ClusterEvent::insertId).toArray()));
  }

  @Test
  void fourDistinctClustersAreBelowTheThresholdHoweverManyChanges() {
    List<ClusterEvent> events = fleetChanges(0, MINUTE, 2 * MINUTE, 3 * MINUTE);
    for (int i = 1; i <= 4; i++) {
      events.add(changeOn("fleet-" + i, nanos(T0) + (10 + i) * MINUTE));
    }

    assertThat(run(events), is(empty()));
  }

  @Test
  void theFifthDistinctClusterCompletesTheBurst() {
    List<ClusterEvent> events = fleetChanges(0, MINUTE, 2 * MINUTE, 3 * MINUTE);
    // More changes on clusters already seen, then a new cluster.
    events.add(changeOn("fleet-1", nanos(T0) + 10 * MINUTE));
    events.add(changeOn("fleet-2", nanos(T0) + 11 * MINUTE));
    ClusterEvent fifth = changeOn("fleet-5", nanos(T0) + 12 * MINUTE);
    events.add(fifth);
    events.add(changeOn("fleet-6", nanos(T0) + 13 * MINUTE));

    List<Finding> findings = run(events);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).eventTimeNanos(), is(fifth.timeNanos()));
    assertThat(findings.get(0).windowEndNanos(), is(fifth.timeNanos()));
    List<String> clusters = new ArrayList<>();
    Findings.details(findings.get(0)).get("clusters").forEach(c -> clusters.add(c.asText()));
    assertThat(clusters, containsInAnyOrder("p/us-central1/fleet-1", "p/us-central1/fleet-2", "p/us-central1/fleet-3",
        "p/us-central1/fleet-4", "p/us-central1/fleet-5"));
  }

  @Test
  void spanOfExactlyTheWindowIsABurst() {
    assertThat(run(fleetChanges(0, MINUTE, 2 * MINUTE, 3 * MINUTE, WINDOW)), hasSize(1));
  }

  @Test
  void spanOneNanosecondLongerThanTheWindowIsNot() {
    assertThat(run(fleetChanges(0, MINUTE, 2 * MINUTE, 3 * MINUTE, WINDOW + 1)), is(empty()));
  }

  @Test
  void aRepeatedChangeKeepsAClusterInTheWindow() {
    // fleet-1 is first changed too early, but changed again inside the window of the other four.
    List<ClusterEvent> events = fleetChanges(0, 30 * MINUTE, 40 * MINUTE, 50 * MINUTE);
    events.add(changeOn("fleet-1", nanos(T0) + 55 * MINUTE));
    ClusterEvent fifth = changeOn("fleet-5", nanos(T0) + 85 * MINUTE);
    events.add(fifth);

    List<Finding> findings = run(events);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).windowStartNanos(), is(nanos(T0) + 30 * MINUTE));
  }

  @Test
  void distinctPrincipalsAreNotAdded() {
    List<ClusterEvent> events = fleetChanges(0, MINUTE, 2 * MINUTE, 3 * MINUTE);
    events.add(change("SetLabels").cluster("fleet-5").by("other@fleet-proj.iam.gserviceaccount.com").request("{}")
        .atNanos(nanos(T0) + 4 * MINUTE).build());

    assertThat(run(events), is(empty()));
  }

  @Test
  void failedAndDeniedChangesDoNotCount() {
    List<ClusterEvent> events = fleetChanges(0, MINUTE, 2 * MINUTE, 3 * MINUTE);
    events.add(change("SetLabels").cluster("fleet-5").by(DEPLOYER).request("{}").denied().atNanos(nanos(T0) + 4 * MINUTE).build());
    events.add(change("SetLabels").cluster("fleet-6").by(DEPLOYER).request("{}").failed(3).atNanos(nanos(T0) + 5 * MINUTE).build());

    assertThat(run(events), is(empty()));
  }

  @Test
  void theNextFanOutNeedsAFullQuietWindowFirst() {
    List<ClusterEvent> events = fleetChanges(0, MINUTE, 2 * MINUTE, 3 * MINUTE, 4 * MINUTE);
    // Five more clusters starting exactly one window after the last change: still the same burst.
    for (int i = 6; i <= 10; i++) {
      events.add(changeOn("fleet-" + i, nanos(T0) + 4 * MINUTE + WINDOW + (i - 6) * MINUTE));
    }
    assertThat(run(events), hasSize(1));

    List<ClusterEvent> later = fleetChanges(0, MINUTE, 2 * MINUTE, 3 * MINUTE, 4 * MINUTE);
    for (int i = 6; i <= 10; i++) {
      later.add(changeOn("fleet-" + i, nanos(T0) + 4 * MINUTE + WINDOW + 1 + (i - 6) * MINUTE));
    }
    assertThat(run(later), hasSize(2));
  }

  @Test
  void anyInvolvedProductionClusterRaisesSeverityToCritical() {
    var prod = metadata("fleet-0").label("env", "prod").build();
    List<ClusterEvent> events = fleetChanges(MINUTE, 2 * MINUTE, 3 * MINUTE, 4 * MINUTE);
    // The production cluster is the first of the five, not the one that completes the burst.
    events.add(change("SetLabels").cluster("fleet-0").withCluster(prod).by(DEPLOYER).request("{}").at(T0).build());

    assertThat(run(events).get(0).severity(), is("CRITICAL"));
  }
}
