package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.call;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.options.RuleConfigs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * change-volume-anomaly: a principal's successful changes in one UTC day exceed max(10, mean + 3 σ) of its daily
 * counts over the preceding 14 whole UTC days (only days from the day of its first entry, empty days as 0, once 7
 * such days exist); fires at the change whose count first exceeds it, once per principal and day.
 */
class ChangeVolumeRuleTest {
  static final RuleConfig CONFIG = RuleConfigs.defaults();
  static final long DAY = Times.NANOS_PER_DAY;
  static final long MINUTE = Times.NANOS_PER_MINUTE;
  static final String BOB = "bob@example.com";
  /** Midnight UTC starting T0's day. */
  static final long DAY0 = Math.floorDiv(nanos(T0), DAY) * DAY;

  static ClusterEvent labels(String cluster, long at) {
    return change("SetLabels").cluster(cluster).by(BOB).request("{}").atNanos(at).build();
  }

  /** One change on even days and two on odd days, days [0, days): mean 1.5, σ 0.5. */
  static List<ClusterEvent> usualDays(int days) {
    List<ClusterEvent> events = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      for (int i = 0; i <= d % 2; i++) {
        events.add(labels("c1", DAY0 + d * DAY + 9 * 3600_000_000_000L + i * MINUTE));
      }
    }
    return events;
  }

  static List<ClusterEvent> changesOn(long dayStart, int count, long offset) {
    List<ClusterEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(labels(i % 3 == 0 ? "c2" : "c1", dayStart + offset + i * MINUTE));
    }
    return events;
  }

  static List<Finding> run(RuleConfig config, List<ClusterEvent> events) {
    return RuleRun.sequential(BehaviourRules.only(config, Rule.CHANGE_VOLUME_ANOMALY), events);
  }

  @Test
  void twentyFiveChangesInADayFireAtTheEleventh() {
    List<ClusterEvent> events = usualDays(14);
    List<ClusterEvent> busy = changesOn(DAY0 + 14 * DAY, 25, 8 * 3600_000_000_000L);
    events.addAll(busy);

    List<Finding> findings = run(CONFIG, events);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("change-volume-anomaly"));
    assertThat(f.severity(), is("MEDIUM"));
    assertThat(f.eventTimeNanos(), is(busy.get(10).timeNanos()));
    assertThat(f.evidenceInsertIds(), is(Findings.insertIds(busy.get(10))));
    assertThat(f.clusterName(), nullValue());
    assertThat(f.projectId(), nullValue());
    assertThat(f.principal(), is(BOB));
    assertThat(f.detailsJson(),
        is("{\"clusters\":[\"p/us-central1/c1\",\"p/us-central1/c2\"],\"count\":11,\"mean\":1.5,\"stddev\":0.5,"
            + "\"threshold\":10.0}"));
    assertThat(f.windowStartNanos(), is(DAY0 + 14 * DAY));
  }

  @Test
  void thresholdItselfIsNotAnAnomaly() {
    List<ClusterEvent> events = usualDays(14);
    events.addAll(changesOn(DAY0 + 14 * DAY, 10, 0));
    assertThat(run(CONFIG, events), is(empty()));
  }

  @Test
  void utcDayBoundarySplitsTheCount() {
    // Ten changes up to the last nanosecond of day 14 and one at midnight: two days of ten and one.
    List<ClusterEvent> events = usualDays(14);
    long midnight = DAY0 + 15 * DAY;
    for (int i = 0; i < 10; i++) {
      events.add(labels("c1", midnight - 1 - i * MINUTE));
    }
    events.add(labels("c1", midnight));
    assertThat(run(CONFIG, events), is(empty()));

    events.set(events.size() - 1, labels("c1", midnight - 1 - 10 * MINUTE));
    List<Finding> findings = run(CONFIG, events);
    assertThat(findings, hasSize(1));
    assertThat(Times.format(findings.get(0).eventTimeNanos()), is(Times.format(midnight - 1)));
  }

  @Test
  void firstDaysOfHistory() {
    // The first entry (a read) at 23:00 on day 0 makes day 0 count: day 7 has seven baseline days, day 6 only six.
    ClusterEvent read = call("GetCluster").dataAccess().by(BOB).atNanos(DAY0 + 23 * 3600_000_000_000L).build();
    List<ClusterEvent> day7 = new ArrayList<>(List.of(read));
    day7.addAll(changesOn(DAY0 + 7 * DAY, 11, 0));
    assertThat(run(CONFIG, day7), hasSize(1));
    // Empty days count as 0: mean 0, σ 0, threshold 10.
    assertThat(Findings.details(run(CONFIG, day7).get(0)).get("mean").asDouble(), is(0.0));

    List<ClusterEvent> day6 = new ArrayList<>(List.of(read));
    day6.addAll(changesOn(DAY0 + 6 * DAY, 30, 0));
    assertThat(run(CONFIG, day6), is(empty()));
  }

  @Test
  void onlyTheLastVolumeBaselineDaysCount() {
    // A huge first day (no baseline days of its own: not judged) 15 days back is outside the 14-day baseline of
    // day 15; 14 days back it is inside and raises the threshold to about 84.
    List<ClusterEvent> events = new ArrayList<>(changesOn(DAY0, 100, 0));
    List<ClusterEvent> day15 = changesOn(DAY0 + 15 * DAY, 11, 0);
    events.addAll(day15);
    List<Finding> outside = run(CONFIG, events);
    assertThat(outside, hasSize(1));
    assertThat(outside.get(0).evidenceInsertIds(), is(Findings.insertIds(day15.get(10))));

    List<ClusterEvent> inside = new ArrayList<>(changesOn(DAY0 + DAY, 100, 0));
    inside.add(0, call("GetCluster").by(BOB).atNanos(DAY0).build());
    inside.addAll(changesOn(DAY0 + 15 * DAY, 11, 0));
    List<Finding> findings = run(CONFIG, inside);
    // Day 1 itself has one baseline day (< 7): not judged. Day 15's 11 changes are under its threshold.
    assertThat(findings, is(empty()));
  }

  @Test
  void oncePerPrincipalAndDay() {
    List<ClusterEvent> events = usualDays(14);
    events.addAll(changesOn(DAY0 + 14 * DAY, 40, 0));
    assertThat(run(CONFIG, events), hasSize(1));
  }

  @Test
  void sigmaRaisesTheThresholdAboveTheFloor() {
    // Seven days: 0,0,0,0,0,0,14: mean 2, σ = sqrt(24) ≈ 4.899; with σ×1 the threshold is 6.899 (floor 2).
    List<ClusterEvent> events = new ArrayList<>();
    events.add(call("GetCluster").by(BOB).atNanos(DAY0).build());
    events.addAll(changesOn(DAY0 + 6 * DAY, 14, 0));
    List<ClusterEvent> today = changesOn(DAY0 + 7 * DAY, 8, 0);
    events.addAll(today);
    RuleConfig config = RuleConfigs.of(
        "--volumeMinChanges=2", "--volumeSigma=1.0", "--volumeBaselineDays=7");

    List<Finding> findings = run(config, events);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).evidenceInsertIds(), is(Findings.insertIds(today.get(6))));
    JsonNode d = Findings.details(findings.get(0));
    assertThat(d.get("count").asInt(), is(7));
    assertThat(d.get("mean").asDouble(), is(2.0));
    assertThat(d.get("stddev").asDouble(), is(Math.sqrt(24)));
    assertThat(d.get("threshold").asDouble(), is(2.0 + Math.sqrt(24)));
  }

  @Test
  void baselineLongerThanTheVolumeBaselineNeverFires() {
    List<ClusterEvent> events = usualDays(14);
    events.addAll(changesOn(DAY0 + 14 * DAY, 40, 0));
    assertThat(run(RuleConfigs.of("--baselineDays=15"), events), is(empty()));
  }

  @Test
  void anyProductionClusterOfTheDayRaisesSeverity() {
    List<ClusterEvent> events = usualDays(14);
    long day14 = DAY0 + 14 * DAY;
    events.add(change("SetLabels").cluster("prod-1").by(BOB).request("{}").atNanos(day14)
        .withCluster(metadata("prod-1").label("env", "prod").build()).build());
    events.addAll(changesOn(day14, 12, MINUTE / 2));
    List<Finding> findings = run(CONFIG, events);
    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).severity(), is("HIGH"));
    assertThat(Findings.details(findings.get(0)).get("clusters").size(), is(3));
  }

  @Test
  void deniedReadsAndOtherPrincipalsDoNotCount() {
    List<ClusterEvent> events = usualDays(14);
    long day14 = DAY0 + 14 * DAY;
    for (int i = 0; i < 20; i++) {
      events.add(change("SetLabels").by(BOB).request("{}").denied().atNanos(day14 + i).build());
      events.add(call("GetCluster").by(BOB).atNanos(day14 + 100 + i).build());
      events.add(change("SetLabels").by("carol@example.com").request("{}").atNanos(day14 + 200 + i).build());
    }
    events.addAll(changesOn(day14, 10, MINUTE));
    assertThat(run(CONFIG, events), is(empty()));
  }

  @Test
  void dayIsUtcWhateverTheTimestampOffset() {
    assertThat(Instant.ofEpochSecond(DAY0 / 1_000_000_000L).toString(), is("2026-11-10T00:00:00Z"));
  }
}
