package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.internal;
import static com.gkeaudit.rules.ClusterEvents.call;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.options.RuleConfigs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** change-burst: at least burstThreshold (4) successful changes on one cluster within 60 minutes. */
class ChangeBurstTest {
  private static final RuleConfig CONFIG = RuleConfigs.defaults();
  private static final long MINUTE = Times.NANOS_PER_MINUTE;
  private static final long WINDOW = 60 * MINUTE;

  private static ClusterEvent labelsAt(long timeNanos) {
    return change("SetLabels").request("{'resourceLabels': {'team': 'web'}}").atNanos(timeNanos).build();
  }

  private static List<ClusterEvent> labelsAtOffsets(long... offsets) {
    List<ClusterEvent> events = new ArrayList<>();
    for (long offset : offsets) {
      events.add(labelsAt(nanos(T0) + offset));
    }
    return events;
  }

  private static List<Finding> run(List<ClusterEvent> events) {
    return RuleRun.sequential(BurstRule.changes(CONFIG), events);
  }

  @Test
  void fourChangesWithinTheWindowAreABurst() {
    List<ClusterEvent> events = new ArrayList<>(labelsAtOffsets(0, 10 * MINUTE, 20 * MINUTE));
    ClusterEvent fourth = change("UpdateCluster").by("bob@example.com").request("{'update': {'desiredNodeVersion': '1.30'}}")
        .atNanos(nanos(T0) + 30 * MINUTE).build();
    events.add(fourth);

    List<Finding> findings = run(events);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("change-burst"));
    assertThat(f.severity(), is("MEDIUM"));
    assertThat(f.eventTimeNanos(), is(fourth.timeNanos()));
    assertThat(f.windowStartNanos(), is(nanos(T0)));
    assertThat(f.windowEndNanos(), is(fourth.timeNanos()));
    assertThat(f.clusterName(), is("c1"));
    assertThat(f.principal(), is("bob@example.com"));
    assertThat(f.method(), is("UpdateCluster"));
    JsonNode details = Findings.details(f);
    assertThat(details.get("principals").toString(), is("[\"alice@example.com\",\"bob@example.com\"]"));
    assertThat(details.get("count").asInt(), is(4));
    assertThat(f.evidenceInsertIds(), hasSize(4));
  }

  @Test
  void threeChangesAreBelowTheThreshold() {
    assertThat(run(labelsAtOffsets(0, MINUTE, 2 * MINUTE)), is(empty()));
  }

  @Test
  void spanOfExactlyTheWindowIsABurst() {
    assertThat(run(labelsAtOffsets(0, MINUTE, 2 * MINUTE, WINDOW)), hasSize(1));
  }

  @Test
  void spanOneNanosecondLongerThanTheWindowIsNot() {
    assertThat(run(labelsAtOffsets(0, MINUTE, 2 * MINUTE, WINDOW + 1)), is(empty()));
  }

  @Test
  void anOperationCountsOnceAtItsFirstEntryEvenIfItLaterFails() {
    List<ClusterEvent> events = new ArrayList<>(labelsAtOffsets(0, MINUTE));
    events.add(change("SetLabels").operationFirst("op-1").request("{}").atNanos(nanos(T0) + 2 * MINUTE).build());
    events.add(change("SetLabels").operationLast("op-1").failed(13).atNanos(nanos(T0) + 3 * MINUTE).build());
    assertThat(run(events), is(empty()));

    events.add(change("SetMaintenancePolicy").operationFirstAndLast("op-2").request("{}").atNanos(nanos(T0) + 4 * MINUTE).build());
    List<Finding> findings = run(events);
    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).eventTimeNanos(), is(nanos(T0) + 4 * MINUTE));
  }

  @Test
  void failuresDenialsGoogleAndNodePoolMethodsAreNotChanges() {
    List<ClusterEvent> events = new ArrayList<>(labelsAtOffsets(0, MINUTE, 2 * MINUTE));
    events.add(change("SetLabels").request("{}").status(3, "bad").atNanos(nanos(T0) + 3 * MINUTE).build());
    events.add(change("SetLabels").request("{}").denied().atNanos(nanos(T0) + 4 * MINUTE).build());
    events.add(change("UpdateCluster").by("service-9@container-engine-robot.iam.gserviceaccount.com").request("{}")
        .atNanos(nanos(T0) + 5 * MINUTE).build());
    events.add(internal("UpdateClusterInternal").request("{}").atNanos(nanos(T0) + 6 * MINUTE).build());
    events.add(call("SetNodePoolSize").nodepool("np1").request("{'nodeCount': 9}").atNanos(nanos(T0) + 7 * MINUTE).build());
    events.add(call("UpdateCluster").nodepool("np1").request("{}").atNanos(nanos(T0) + 8 * MINUTE).build());
    events.add(call("GetCluster").dataAccess().atNanos(nanos(T0) + 9 * MINUTE).build());

    assertThat(run(events), is(empty()));
  }

  @Test
  void automationChangesCount() {
    List<ClusterEvent> events = new ArrayList<>(labelsAtOffsets(0, MINUTE, 2 * MINUTE));
    events.add(change("SetLabels").by("ci@proj.iam.gserviceaccount.com").request("{}").atNanos(nanos(T0) + 3 * MINUTE).build());

    assertThat(run(events), hasSize(1));
  }

  @Test
  void changesOnDifferentClustersAreNotAdded() {
    List<ClusterEvent> events = new ArrayList<>(labelsAtOffsets(0, MINUTE, 2 * MINUTE));
    events.add(change("SetLabels").cluster("c2").request("{}").atNanos(nanos(T0) + 3 * MINUTE).build());
    events.add(change("SetLabels").cluster("p", "europe-west1", "c1").request("{}").atNanos(nanos(T0) + 4 * MINUTE).build());

    assertThat(run(events), is(empty()));
  }

  @Test
  void theNextBurstCanFireOnlyAfterAFullQuietWindow() {
    // Burst at 0..3 min; changes every 50 minutes keep it going; then a quiet hour and four more make a new one.
    List<ClusterEvent> events = new ArrayList<>(labelsAtOffsets(0, MINUTE, 2 * MINUTE, 3 * MINUTE,
        53 * MINUTE, 54 * MINUTE, 55 * MINUTE, 56 * MINUTE, 56 * MINUTE + WINDOW));
    long quietEnd = nanos(T0) + 56 * MINUTE + WINDOW;
    assertThat(run(events), hasSize(1));

    for (int i = 1; i <= 4; i++) {
      events.add(labelsAt(quietEnd + WINDOW + i * MINUTE));
    }
    List<Finding> findings = run(events);
    assertThat(findings, hasSize(2));
    assertThat(findings.stream().map(Finding::eventTimeNanos).toList(),
        contains(nanos(T0) + 3 * MINUTE, quietEnd + WINDOW + 4 * MINUTE));
  }

  @Test
  void criticalityHighRaisesSeverity() {
    var critical = metadata("c1").label("criticality", "high").build();
    List<ClusterEvent> events = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      events.add(change("SetLabels").request("{}").withCluster(critical).at(T0.plusSeconds(60L * i)).build());
    }

    assertThat(run(events).get(0).severity(), is("HIGH"));
  }
}
