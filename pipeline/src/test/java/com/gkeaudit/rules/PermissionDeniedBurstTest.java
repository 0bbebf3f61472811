package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.call;
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

/** permission-denied-burst: at least deniedThreshold (5) denied calls by one principal within 60 minutes. */
class PermissionDeniedBurstTest {
  private static final RuleConfig CONFIG = RuleConfigs.defaults();
  private static final String MALLORY = "mallory@example.com";
  private static final long MINUTE = Times.NANOS_PER_MINUTE;
  private static final long WINDOW = 60 * MINUTE;

  private static ClusterEvent deniedAt(long timeNanos) {
    return change("UpdateCluster").by(MALLORY).from("198.51.100.7").request("{'update': {}}").denied().atNanos(timeNanos).build();
  }

  /** Denied calls by Mallory at T0 plus each offset (nanoseconds). */
  private static List<ClusterEvent> deniedAtOffsets(long... offsets) {
    List<ClusterEvent> events = new ArrayList<>();
    for (long offset : offsets) {
      events.add(deniedAt(nanos(T0) + offset));
    }
    return events;
  }

  private static List<Finding> run(List<ClusterEvent> events) {
    return RuleRun.sequential(BurstRule.deniedCalls(CONFIG), events);
  }

  @Test
  void fiveDeniedCallsWithinTheWindowAreABurst() {
    List<ClusterEvent> events = deniedAtOffsets(0, 5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 30 * MINUTE);

    List<Finding> findings = run(events);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("permission-denied-burst"));
    assertThat(f.severity(), is("MEDIUM"));
    assertThat(f.eventTimeNanos(), is(nanos(T0) + 30 * MINUTE));
    assertThat(f.windowStartNanos(), is(nanos(T0)));
    assertThat(f.windowEndNanos(), is(nanos(T0) + 30 * MINUTE));
    assertThat(f.principal(), is(MALLORY));
    assertThat(f.clusterName(), is(nullValue()));
    assertThat(f.projectId(), is(nullValue()));
    assertThat(f.evidenceInsertIds(), containsInAnyOrder(events.stream().map(ClusterEvent::insertId).toArray()));
    assertThat(Findings.details(f).get("count").asInt(), is(5));
  }

  @Test
  void fourDeniedCallsAreBelowTheThreshold() {
    assertThat(run(deniedAtOffsets(0, MINUTE, 2 * MINUTE, 3 * MINUTE)), is(empty()));
  }

  @Test
  void spanOfExactlyTheWindowIsABurst() {
    List<Finding> findings = run(deniedAtOffsets(0, MINUTE, 2 * MINUTE, 3 * MINUTE, WINDOW));

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).windowStartNanos(), is(nanos(T0)));
  }

  @Test
  void spanOneNanosecondLongerThanTheWindowIsNot() {
    assertThat(run(deniedAtOffsets(0, MINUTE, 2 * MINUTE, 3 * MINUTE, WINDOW + 1)), is(empty()));
  }

  @Test
  void slidingWindowFindsTheBurstLaterInTheSequence() {
    // The first call is too early to share a window with the last four, the sixth completes the burst.
    List<Finding> findings = run(deniedAtOffsets(0, 50 * MINUTE, 70 * MINUTE, 80 * MINUTE, 90 * MINUTE, 100 * MINUTE));

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).windowStartNanos(), is(nanos(T0) + 50 * MINUTE));
    assertThat(findings.get(0).eventTimeNanos(), is(nanos(T0) + 100 * MINUTE));
  }

  @Test
  void unauthenticatedCountsAsDenied() {
    List<ClusterEvent> events = new ArrayList<>(deniedAtOffsets(0, MINUTE, 2 * MINUTE, 3 * MINUTE));
    events.add(call("GetCluster").dataAccess().by(MALLORY).status(16, "Unauthenticated").atNanos(nanos(T0) + 4 * MINUTE).build());

    assertThat(run(events), hasSize(1));
  }

  @Test
  void otherErrorsAndSuccessesAreNotDenied() {
    List<ClusterEvent> events = new ArrayList<>(deniedAtOffsets(0, MINUTE, 2 * MINUTE, 3 * MINUTE));
    events.add(call("GetCluster").dataAccess().by(MALLORY).status(5, "Not found").atNanos(nanos(T0) + 4 * MINUTE).build());
    events.add(change("SetLabels").by(MALLORY).request("{}").atNanos(nanos(T0) + 5 * MINUTE).build());

    assertThat(run(events), is(empty()));
  }

  @Test
  void deniedCallsOfDifferentPrincipalsAreNotAdded() {
    List<ClusterEvent> events = new ArrayList<>(deniedAtOffsets(0, MINUTE, 2 * MINUTE));
    events.add(change("UpdateCluster").by("trudy@example.com").denied().at(T0.plusSeconds(180)).build());
    events.add(change("UpdateCluster").by("trudy@example.com").denied().at(T0.plusSeconds(240)).build());

    assertThat(run(events), is(empty()));
  }

  @Test
  void projectLevelAndOtherClustersCountForTheSamePrincipal() {
    List<ClusterEvent> events = new ArrayList<>(deniedAtOffsets(0, MINUTE, 2 * MINUTE));
    events.add(call("ListClusters").dataAccess().noCluster().by(MALLORY).denied().at(T0.plusSeconds(180)).build());
    events.add(change("SetLabels").cluster("c2").by(MALLORY).denied().at(T0.plusSeconds(240)).build());

    List<Finding> findings = run(events);

    assertThat(findings, hasSize(1));
    assertThat(Findings.details(findings.get(0)).get("clusters").size(), is(3));
  }

  @Test
  void googleInitiatedDenialsAreNotCounted() {
    List<ClusterEvent> events = new ArrayList<>(deniedAtOffsets(0, MINUTE, 2 * MINUTE, 3 * MINUTE));
    events.add(change("UpdateCluster").by("system:addon-manager").denied().atNanos(nanos(T0) + 4 * MINUTE).build());
    events.add(change("UpdateCluster").by("123@cloudservices.gserviceaccount.com").denied().atNanos(nanos(T0) + 5 * MINUTE).build());

    assertThat(run(events), is(empty()));
  }

  @Test
  void anOngoingBurstFiresOnceAndEndsOnlyAfterAFullQuietWindow() {
    // Ten calls a minute apart: one burst.
    long[] offsets = new long[10];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = i * MINUTE;
    }
    List<ClusterEvent> events = new ArrayList<>(deniedAtOffsets(offsets));
    long lastOfBurst = nanos(T0) + 9 * MINUTE;
    // Exactly one window after the last qualifying call: still the same burst, whatever follows quickly.
    for (int i = 0; i < 5; i++) {
      events.add(deniedAt(lastOfBurst + WINDOW + i * MINUTE));
    }
    assertThat(run(events), hasSize(1));

    // One nanosecond more of quiet ends the burst: five calls then form a new one.
    List<ClusterEvent> afterQuiet = new ArrayList<>(deniedAtOffsets(offsets));
    for (int i = 0; i < 5; i++) {
      afterQuiet.add(deniedAt(lastOfBurst + WINDOW + 1 + i * MINUTE));
    }
    List<Finding> findings = run(afterQuiet);
    assertThat(findings, hasSize(2));
    assertThat(findings.get(1).windowStartNanos(), is(lastOfBurst + WINDOW + 1));
  }

  @Test
  void aBurstNeedsItsOwnThresholdAfterTheQuietWindow() {
    long[] burst = {0, MINUTE, 2 * MINUTE, 3 * MINUTE, 4 * MINUTE};
    List<ClusterEvent> events = new ArrayList<>(deniedAtOffsets(burst));
    long restart = nanos(T0) + 4 * MINUTE + WINDOW + 1;
    for (int i = 0; i < 4; i++) {
      events.add(deniedAt(restart + i * MINUTE));
    }

    assertThat(run(events), hasSize(1));
  }

  @Test
  void anyInvolvedProductionClusterRaisesSeverity() {
    var prod = metadata("c2").label("env", "prod").build();
    List<ClusterEvent> events = new ArrayList<>(deniedAtOffsets(0, MINUTE, 2 * MINUTE, 3 * MINUTE));
    events.add(change("SetLabels").cluster("c2").withCluster(prod).by(MALLORY).denied().at(T0.plusSeconds(240)).build());

    assertThat(run(events).get(0).severity(), is("HIGH"));
  }
}
