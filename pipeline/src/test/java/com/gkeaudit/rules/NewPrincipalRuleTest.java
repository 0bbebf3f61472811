package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.ALICE;
import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.call;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.internal;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * new-principal: a successful change by a principal with no successful change on that cluster in the preceding 30
 * days, once the cluster has 7 days of observed history (from its first ClusterManager entry of any kind).
 */
class NewPrincipalRuleTest {
  private static final RuleConfig CONFIG = RuleConfigs.defaults();
  private static final String EVE = "eve@example.com";
  private static final long DAY = Times.NANOS_PER_DAY;
  private static final long BASELINE = 7 * DAY;
  private static final long LOOKBACK = 30 * DAY;

  /** Alice's change at T0 starts the cluster's history. */
  private static ClusterEvent aliceAtT0() {
    return change("SetLabels").request("{}").build();
  }

  private static ClusterEvent labelsBy(String principal, long timeNanos) {
    return change("SetLabels").by(principal).request("{'resourceLabels': {'x': 'y'}}").atNanos(timeNanos).build();
  }

  private static List<Finding> run(ClusterEvent... events) {
    return RuleRun.sequential(new NewPrincipalRule(CONFIG), List.of(events));
  }

  @Test
  void newPrincipalAfterTheBaselineIsReported() {
    ClusterEvent eve = labelsBy(EVE, nanos(T0) + 10 * DAY);

    List<Finding> findings = run(aliceAtT0(), eve);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("new-principal"));
    assertThat(f.severity(), is("MEDIUM"));
    assertThat(f.principal(), is(EVE));
    assertThat(f.eventTimeNanos(), is(eve.timeNanos()));
    assertThat(f.clusterName(), is("c1"));
    assertThat(f.evidenceInsertIds(), is(Findings.insertIds(eve)));
    assertThat(Findings.details(f).get("history_since").asText(), is("2026-11-10T10:00:00Z"));
  }

  @Test
  void knownPrincipalIsNotReported() {
    assertThat(run(aliceAtT0(), labelsBy(ALICE, nanos(T0) + 10 * DAY)), is(empty()));
  }

  @Test
  void baselineOneNanosecondShortReportsNothing() {
    assertThat(run(aliceAtT0(), labelsBy(EVE, nanos(T0) + BASELINE - 1)), is(empty()));
  }

  @Test
  void baselineReachedExactlyReports() {
    assertThat(run(aliceAtT0(), labelsBy(EVE, nanos(T0) + BASELINE)), hasSize(1));
  }

  @Test
  void aPrincipalFirstSeenDuringTheBaselineIsKnownAfterIt() {
    assertThat(run(aliceAtT0(), labelsBy(EVE, nanos(T0) + DAY), labelsBy(EVE, nanos(T0) + 9 * DAY)), is(empty()));
  }

  @Test
  void historyStartsAtTheFirstClusterManagerEntryOfAnyKind() {
    // A read, a denied call and an auto-upgrade entry are history too, not only changes.
    ClusterEvent read = call("GetCluster").dataAccess().by("viewer@example.com").build();
    ClusterEvent eve = labelsBy(EVE, nanos(T0) + BASELINE);
    assertThat(run(read, eve), hasSize(1));

    ClusterEvent autoUpgrade = internal("UpdateClusterInternal").nodepool("np1").build();
    assertThat(run(autoUpgrade, labelsBy(EVE, nanos(T0) + BASELINE)), hasSize(1));

    // With no earlier entry, the change itself starts the history: no baseline yet.
    assertThat(run(labelsBy(EVE, nanos(T0) + BASELINE)), is(empty()));
  }

  @Test
  void changeExactlyAtTheLookbackAgoStillMakesThePrincipalKnown() {
    ClusterEvent before = labelsBy(EVE, nanos(T0) + DAY);

    assertThat(run(aliceAtT0(), before, labelsBy(EVE, before.timeNanos() + LOOKBACK)), is(empty()));
  }

  @Test
  void changeOneNanosecondBeyondTheLookbackIsForgotten() {
    ClusterEvent before = labelsBy(EVE, nanos(T0) + DAY);
    ClusterEvent again = labelsBy(EVE, before.timeNanos() + LOOKBACK + 1);

    List<Finding> findings = run(aliceAtT0(), before, again);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).evidenceInsertIds(), is(Findings.insertIds(again)));
  }

  @Test
  void failedOrDeniedAttemptsDoNotMakeAPrincipalKnown() {
    ClusterEvent denied = change("SetLabels").by(EVE).request("{}").denied().atNanos(nanos(T0) + 8 * DAY).build();
    ClusterEvent failed = change("SetLabels").by(EVE).request("{}").failed(3).atNanos(nanos(T0) + 9 * DAY).build();
    ClusterEvent success = labelsBy(EVE, nanos(T0) + 10 * DAY);

    List<Finding> findings = run(aliceAtT0(), denied, failed, success);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).eventTimeNanos(), is(success.timeNanos()));
  }

  @Test
  void googleInitiatedChangesAreNotReported() {
    ClusterEvent robot = change("UpdateCluster").by("service-1@container-engine-robot.iam.gserviceaccount.com")
        .request("{}").atNanos(nanos(T0) + 10 * DAY).build();

    assertThat(run(aliceAtT0(), robot), is(empty()));
  }

  @Test
  void knownOnOneClusterIsStillNewOnAnother() {
    ClusterEvent c2History = change("SetLabels").cluster("c2").by("bob@example.com").request("{}").build();
    ClusterEvent aliceOnC2 = change("SetLabels").cluster("c2").request("{}").atNanos(nanos(T0) + 10 * DAY).build();

    List<Finding> findings = run(aliceAtT0(), c2History, aliceOnC2);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).clusterName(), is("c2"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"StartIPRotation", "CompleteIPRotation", "SetMasterAuth"})
  void sensitiveMethodsAreHigh(String method) {
    ClusterEvent eve = change(method).by(EVE).request("{}").atNanos(nanos(T0) + 10 * DAY).build();

    assertThat(run(aliceAtT0(), eve).get(0).severity(), is("HIGH"));
  }

  @Test
  void productionClusterRaisesBothLevels() {
    var prod = metadata("c1").label("env", "prod").build();
    ClusterEvent labels = change("SetLabels").by(EVE).request("{}").withCluster(prod).at(T0.plus(Duration.ofDays(10))).build();
    ClusterEvent masterAuth = change("SetMasterAuth").by("frank@example.com").request("{'action': 'SET_USERNAME'}")
        .withCluster(prod).at(T0.plus(Duration.ofDays(11))).build();

    List<Finding> findings = run(aliceAtT0(), labels, masterAuth);

    assertThat(findings.stream().map(Finding::severity).toList(), is(List.of("HIGH", "CRITICAL")));
  }

  @Test
  void automationPrincipalIsReportedToo() {
    List<ClusterEvent> events = new ArrayList<>(List.of(aliceAtT0()));
    events.add(labelsBy("new-ci@proj.iam.gserviceaccount.com", nanos(T0) + 10 * DAY));

    List<Finding> findings = RuleRun.sequential(new NewPrincipalRule(CONFIG), events);

    assertThat(findings, hasSize(1));
    assertThat(Findings.details(findings.get(0)).get("initiator").asText(), is("AUTOMATION"));
  }
}
