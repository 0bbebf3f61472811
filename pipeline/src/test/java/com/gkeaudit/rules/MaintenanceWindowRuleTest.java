package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.options.RuleConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** outside-maintenance-window. */
class MaintenanceWindowRuleTest {
  private static final RuleConfig CONFIG = RuleConfigs.defaults();

  /** Saturdays and Sundays 02:00-06:00 UTC from Saturday 2026-11-07, with a freeze over 2026-11-28..30. */
  private static final String WEEKEND_WINDOW_WITH_FREEZE = """
      {'window': {
         'recurringWindow': {
           'window': {'startTime': '2026-11-07T02:00:00Z', 'endTime': '2026-11-07T06:00:00Z'},
           'recurrence': 'FREQ=WEEKLY;BYDAY=SA,SU'},
         'maintenanceExclusions': {
           'thanksgiving-freeze': {'startTime': '2026-11-28T00:00:00Z', 'endTime': '2026-11-30T00:00:00Z',
                                   'maintenanceExclusionOptions': {'scope': 'NO_MINOR_UPGRADES'}}}}}
      """;

  private static final ClusterMetadata WEEKEND = metadata("c1").maintenancePolicy(WEEKEND_WINDOW_WITH_FREEZE).build();

  private static ClusterEvents.Builder upgradeMaster(String at) {
    return change("UpdateMaster").request("{'masterVersion': '1.31'}").at(at).withCluster(WEEKEND);
  }

  private static List<Finding> run(ClusterEvent event) {
    return Findings.ofRule(RuleRun.perEvent(CONFIG, List.of(event)), Rule.OUTSIDE_MAINTENANCE_WINDOW);
  }

  @Test
  void upgradeOnATuesdayIsOutsideTheWeekendWindow() {
    ClusterEvent event = upgradeMaster("2026-11-10T10:00:00Z").build();

    List<Finding> findings = run(event);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("outside-maintenance-window"));
    assertThat(f.severity(), is("LOW"));
    assertThat(f.eventTimeNanos(), is(event.timeNanos()));
    assertThat(f.principal(), is(ClusterEvents.ALICE));
    assertThat(Findings.details(f).get("violation").asText(), containsString("outside the maintenance window"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-14T03:00:00Z", "2026-11-15T05:30:00Z", "2026-11-07T04:00:00Z", "2026-12-05T02:00:00Z"})
  void upgradeInsideAnOccurrenceIsFine(String at) {
    assertThat(run(upgradeMaster(at).build()), is(empty()));
  }

  @Test
  void windowStartIsInsideAndWindowEndIsOutside() {
    assertThat(run(upgradeMaster("2026-11-14T02:00:00Z").build()), is(empty()));
    assertThat(run(upgradeMaster("2026-11-14T05:59:59.999999999Z").build()), is(empty()));
    assertThat(run(upgradeMaster("2026-11-14T06:00:00Z").build()), hasSize(1));
    assertThat(run(upgradeMaster("2026-11-14T01:59:59.999999999Z").build()), hasSize(1));
  }

  @Test
  void beforeTheFirstOccurrenceIsOutside() {
    assertThat(run(upgradeMaster("2026-11-01T03:00:00Z").build()), hasSize(1));
  }

  @Test
  void insideAnExclusionIsAViolationEvenDuringTheWindow() {
    List<Finding> findings = run(upgradeMaster("2026-11-28T03:00:00Z").build());

    assertThat(findings, hasSize(1));
    assertThat(Findings.details(findings.get(0)).get("violation").asText(), containsString("thanksgiving-freeze"));
  }

  @Test
  void theDayAfterTheExclusionTheWindowAppliesAgain() {
    assertThat(run(upgradeMaster("2026-12-05T03:00:00Z").build()), is(empty()));
  }

  @Test
  void dailyWindowWithoutDurationLastsFourHours() {
    ClusterMetadata daily =
        metadata("c1").maintenancePolicy("{'window': {'dailyMaintenanceWindow': {'startTime': '03:00'}}}").build();

    assertThat(run(upgradeMaster("2026-11-10T06:59:00Z").withCluster(daily).build()), is(empty()));
    assertThat(run(upgradeMaster("2026-11-10T07:00:00Z").withCluster(daily).build()), hasSize(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"StartIPRotation", "CompleteIPRotation"})
  void rotationsAreDisruptive(String method) {
    ClusterEvent event = change(method).request("{}").at("2026-11-10T10:00:00Z").withCluster(WEEKEND).build();

    assertThat(run(event), hasSize(1));
  }

  @Test
  void updateClusterCountsOnlyWithADesiredMasterVersion() {
    ClusterEvent withVersion = change("UpdateCluster").request("{'update': {'desiredMasterVersion': '1.31'}}")
        .withCluster(WEEKEND).build();
    ClusterEvent withoutVersion = change("UpdateCluster").request("{'update': {'desiredNodeVersion': '1.31'}}")
        .withCluster(WEEKEND).build();

    assertThat(run(withVersion), hasSize(1));
    assertThat(run(withoutVersion), is(empty()));
  }

  @Test
  void otherChangesAreNotDisruptive() {
    assertThat(run(change("SetLabels").request("{}").withCluster(WEEKEND).build()), is(empty()));
  }

  @Test
  void noMetadataMeansNoFinding() {
    assertThat(run(change("UpdateMaster").request("{'masterVersion': '1.31'}").build()), is(empty()));
  }

  @Test
  void metadataWithoutMaintenancePolicyMeansNoFinding() {
    ClusterMetadata noPolicy = metadata("c1").build();

    assertThat(run(upgradeMaster("2026-11-10T10:00:00Z").withCluster(noPolicy).build()), is(empty()));
  }

  @Test
  void policyWithOnlyAnExclusionAndNoWindowMeansNoFinding() {
    ClusterMetadata exclusionOnly = metadata("c1").maintenancePolicy("""
        {'window': {'maintenanceExclusions': {'freeze': {'startTime': '2026-11-01T00:00:00Z',
                                                         'endTime': '2026-12-01T00:00:00Z'}}}}
        """).build();

    assertThat(run(upgradeMaster("2026-11-10T10:00:00Z").withCluster(exclusionOnly).build()), is(empty()));
  }

  @Test
  void automationIsNotReported() {
    ClusterEvent ci = upgradeMaster("2026-11-10T10:00:00Z").by("terraform@proj.iam.gserviceaccount.com").build();

    assertThat(ci.initiator(), is(ClusterEvent.AUTOMATION));
    assertThat(run(ci), is(empty()));
  }

  @Test
  void googleInitiatedIsNotReported() {
    assertThat(run(upgradeMaster("2026-11-10T10:00:00Z").by("system:gke-upgrader").build()), is(empty()));
  }

  @Test
  void failedOrDeniedAttemptsAreNotReported() {
    assertThat(run(upgradeMaster("2026-11-10T10:00:00Z").failed(3).build()), is(empty()));
    assertThat(run(upgradeMaster("2026-11-10T10:00:00Z").denied().build()), is(empty()));
  }

  @Test
  void operationIsJudgedAtItsFirstEntryOnly() {
    ClusterEvent first = upgradeMaster("2026-11-10T10:00:00Z").operationFirst("op-upgrade").build();
    ClusterEvent last = upgradeMaster("2026-11-10T10:40:00Z").operationLast("op-upgrade").build();

    assertThat(run(first), hasSize(1));
    assertThat(run(last), is(empty()));
  }

  @Test
  void productionClusterRaisesSeverity() {
    ClusterMetadata prod =
        metadata("c1").label("env", "production").maintenancePolicy(WEEKEND_WINDOW_WITH_FREEZE).build();

    assertThat(run(upgradeMaster("2026-11-10T10:00:00Z").withCluster(prod).build()).get(0).severity(), is("MEDIUM"));
  }
}
