package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * rare-method: a successful change by an established principal with a change method it has not successfully made
 * in the preceding 30 days, when it made at least 5 successful changes in that span.
 */
class RareMethodRuleTest {
  static final RuleConfig CONFIG = RuleConfigs.defaults();
  static final long DAY = Times.NANOS_PER_DAY;
  static final String SA = "labeller@proj.iam.gserviceaccount.com";

  static ClusterEvent changeBy(String method, long at) {
    return change(method).by(SA).request("{}").atNanos(at).build();
  }

  static List<ClusterEvent> labelDays(int from, int count) {
    List<ClusterEvent> events = new ArrayList<>();
    for (int d = from; d < from + count; d++) {
      events.add(changeBy("SetLabels", nanos(T0) + d * DAY));
    }
    return events;
  }

  static List<Finding> run(RuleConfig config, List<ClusterEvent> events) {
    return RuleRun.sequential(BehaviourRules.only(config, Rule.RARE_METHOD), events);
  }

  @Test
  void labellingAccountCallingSetMasterAuthIsHigh() {
    List<ClusterEvent> events = labelDays(0, 8);
    ClusterEvent masterAuth = change("SetMasterAuth").by(SA).request("{'action': 'SET_USERNAME'}")
        .atNanos(nanos(T0) + 8 * DAY).build();
    events.add(masterAuth);

    List<Finding> findings = run(CONFIG, events);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("rare-method"));
    assertThat(f.severity(), is("HIGH"));
    assertThat(f.detailsJson(), is("{\"method\":\"SetMasterAuth\"}"));
    assertThat(f.evidenceInsertIds(), is(Findings.insertIds(masterAuth)));
    assertThat(f.remediation(), containsString("--no-enable-basic-auth"));
    assertThat(f.remediation(), containsString("gcloud iam service-accounts keys list --iam-account=" + SA));
  }

  @ParameterizedTest
  @CsvSource({"StartIPRotation,HIGH", "CompleteIPRotation,HIGH", "SetLegacyAbac,HIGH", "SetNetworkPolicy,HIGH",
      "SetLoggingService,HIGH", "SetMonitoringService,HIGH", "SetMaintenancePolicy,MEDIUM", "UpdateCluster,MEDIUM",
      "SetLocations,MEDIUM"})
  void severityByMethod(String method, String severity) {
    List<ClusterEvent> events = labelDays(0, 8);
    events.add(changeBy(method, nanos(T0) + 8 * DAY));
    assertThat(run(CONFIG, events).get(0).severity(), is(severity));
  }

  @Test
  void thresholdMinusOneChangesIsTooLittleHistory() {
    List<ClusterEvent> four = labelDays(0, 4);
    four.add(changeBy("SetMasterAuth", nanos(T0) + 8 * DAY));
    assertThat(run(CONFIG, four), is(empty()));

    List<ClusterEvent> five = labelDays(0, 5);
    five.add(changeBy("SetMasterAuth", nanos(T0) + 8 * DAY));
    assertThat(run(CONFIG, five), hasSize(1));
  }

  @Test
  void historyIsCountedOnlyWithinTheLookback() {
    // Five changes, the first exactly 30 days before the new method: all count. One nanosecond later: four.
    List<ClusterEvent> events = labelDays(0, 5);
    events.add(changeBy("SetMasterAuth", nanos(T0) + 30 * DAY));
    assertThat(run(CONFIG, events), hasSize(1));

    List<ClusterEvent> later = labelDays(0, 5);
    later.add(changeBy("SetMasterAuth", nanos(T0) + 30 * DAY + 1));
    assertThat(run(CONFIG, later), is(empty()));
  }

  @Test
  void aMethodUsedInTheLookbackIsNotRare() {
    List<ClusterEvent> events = labelDays(0, 8);
    events.add(2, changeBy("SetMaintenancePolicy", nanos(T0) + 2 * DAY + 1));
    events.add(changeBy("SetMaintenancePolicy", nanos(T0) + 9 * DAY));
    assertThat(run(CONFIG, events), is(empty()));
  }

  @Test
  void deniedOrFailedAttemptsAreNotHistoryOfTheMethodNorCount() {
    List<ClusterEvent> events = labelDays(0, 8);
    events.add(change("SetMasterAuth").by(SA).request("{}").denied().atNanos(nanos(T0) + 8 * DAY).build());
    events.add(change("SetMasterAuth").by(SA).request("{}").failed(9).atNanos(nanos(T0) + 8 * DAY + 1).build());
    events.add(changeBy("SetMasterAuth", nanos(T0) + 8 * DAY + 2));
    assertThat(run(CONFIG, events), hasSize(1));
  }

  @Test
  void notEstablishedNoFinding() {
    List<ClusterEvent> events = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      events.add(changeBy("SetLabels", nanos(T0) + i * 60_000_000_000L));
    }
    events.add(changeBy("SetMasterAuth", nanos(T0) + 7 * DAY - 1));
    assertThat(run(CONFIG, events), is(empty()));
    events.set(events.size() - 1, changeBy("SetMasterAuth", nanos(T0) + 7 * DAY));
    assertThat(run(CONFIG, events), hasSize(1));
  }

  @Test
  void changesAtTheSameInstantAreNotPrecedingHistory() {
    // Five label changes at the very instant of the new method: none is strictly before it.
    List<ClusterEvent> events = new ArrayList<>();
    events.add(change("GetCluster").by(SA).atNanos(nanos(T0)).build());
    long t = nanos(T0) + 8 * DAY;
    for (int i = 0; i < 5; i++) {
      events.add(changeBy("SetLabels", t));
    }
    events.add(changeBy("SetMasterAuth", t));
    assertThat(run(CONFIG, events), is(empty()));
  }

  @Test
  void minimumHistoryIsAnOption() {
    List<ClusterEvent> events = labelDays(0, 2);
    events.add(changeBy("SetMasterAuth", nanos(T0) + 8 * DAY));
    assertThat(run(CONFIG, events), is(empty()));
    assertThat(run(RuleConfigs.of("--rareMethodMinHistory=2"), events), hasSize(1));
  }
}
