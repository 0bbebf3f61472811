package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** version-downgrade: a requested master version below the cluster's current one. */
class VersionDowngradeRuleTest {
  private static final RuleConfig CONFIG = RuleConfigs.defaults();

  /** Current master 1.30.5-gke.1200 as of a day before T0. */
  private static final ClusterMetadata ON_1_30_5 =
      metadata("c1").masterVersion("1.30.5-gke.1200").updated(T0.minus(Duration.ofDays(1))).build();

  private static ClusterEvents.Builder updateMaster(String version) {
    return change("UpdateMaster").request("{'masterVersion': '" + version + "'}");
  }

  private static ClusterEvents.Builder updateClusterMaster(String version) {
    return change("UpdateCluster").request("{'update': {'desiredMasterVersion': '" + version + "'}}");
  }

  private static List<Finding> run(ClusterEvent... events) {
    return RuleRun.sequential(new VersionDowngradeRule(CONFIG), List.of(events));
  }

  @ParameterizedTest(name = "{0} on a 1.30.5-gke.1200 master: downgrade={1}")
  @CsvSource({
    "1.29,            true",
    "1.29.9-gke.100,  true",
    "1.30.4,          true",
    "1.30.5-gke.1100, true",
    "1.30,            false",
    "1.30.5,          false",
    "1.30.5-gke.1200, false",
    "1.30.6,          false",
    "1.31,            false",
  })
  void comparesOnlyTheComponentsTheRequestGives(String requested, boolean downgrade) {
    List<Finding> findings = run(updateMaster(requested).withCluster(ON_1_30_5).build());

    assertThat(findings.size(), is(downgrade ? 1 : 0));
  }

  @Test
  void downgradeFindingNamesBothVersions() {
    ClusterEvent event = updateMaster("1.29").withCluster(ON_1_30_5).build();

    Finding f = run(event).get(0);

    assertThat(f.ruleId(), is("version-downgrade"));
    assertThat(f.severity(), is("HIGH"));
    assertThat(f.eventTimeNanos(), is(event.timeNanos()));
    assertThat(f.principal(), is(ClusterEvents.ALICE));
    assertThat(Findings.details(f).get("requested_version").asText(), is("1.29"));
    assertThat(Findings.details(f).get("current_versions").get(0).asText(), is("1.30.5-gke.1200"));
    assertThat(f.remediation(), containsString("--cluster-version 1.30.5-gke.1200"));
  }

  @Test
  void updateClusterDesiredMasterVersionCountsLikeUpdateMaster() {
    assertThat(run(updateClusterMaster("1.28").withCluster(ON_1_30_5).build()), hasSize(1));
  }

  @Test
  void metadataUpdatedAfterTheEventIsIgnored() {
    ClusterMetadata describedLater = metadata("c1").masterVersion("1.30.5-gke.1200").updated(T0.plusSeconds(1)).build();

    assertThat(run(updateMaster("1.29").withCluster(describedLater).build()), is(empty()));
  }

  @Test
  void metadataUpdatedAtExactlyTheEventTimeIsIgnored() {
    ClusterMetadata describedThen = metadata("c1").masterVersion("1.30.5-gke.1200").updated(T0).build();

    assertThat(run(updateMaster("1.29").withCluster(describedThen).build()), is(empty()));
  }

  @Test
  void noMetadataAndNoEarlierRequestMeansNothingToCompare() {
    assertThat(run(updateMaster("1.20").build()), is(empty()));
  }

  @Test
  void earlierRequestedVersionsCount() {
    ClusterEvent upgrade = updateMaster("1.31.2-gke.1000").build();
    ClusterEvent rollback = updateClusterMaster("1.30").at(T0.plus(Duration.ofHours(2))).build();

    List<Finding> findings = run(upgrade, rollback);

    assertThat(findings, hasSize(1));
    assertThat(findings.get(0).evidenceInsertIds(), is(Findings.insertIds(rollback)));
  }

  @Test
  void laterRequestsDoNotMakeEarlierOnesDowngrades() {
    assertThat(run(updateMaster("1.29").build(), updateMaster("1.31").at(T0.plusSeconds(3600)).build()), is(empty()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"latest", "-", ""})
  void latestDashAndEmptyNeverMatch(String version) {
    assertThat(run(updateMaster(version).withCluster(ON_1_30_5).build()), is(empty()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"latest", "-", ""})
  void latestDashAndEmptyNeverCountAsCurrent(String version) {
    ClusterEvent earlier = updateMaster(version).build();
    ClusterEvent later = updateMaster("1.20").at(T0.plusSeconds(3600)).build();

    assertThat(run(earlier, later), is(empty()));
  }

  @Test
  void failedOrDeniedEarlierRequestsDoNotCount() {
    ClusterEvent failedUpgrade = updateMaster("1.32").status(3, "No valid versions with the prefix \"1.32\" found.").build();
    ClusterEvent deniedUpgrade = updateMaster("1.33").denied().at(T0.plusSeconds(60)).build();
    ClusterEvent request = updateMaster("1.31").at(T0.plusSeconds(3600)).build();

    assertThat(run(failedUpgrade, deniedUpgrade, request), is(empty()));
  }

  @Test
  void googleInitiatedRequestsDoNotCount() {
    ClusterEvent autoUpgrade = updateMaster("1.32").by("service-7@container-engine-robot.iam.gserviceaccount.com").build();
    ClusterEvent request = updateMaster("1.31").at(T0.plusSeconds(3600)).build();

    assertThat(run(autoUpgrade, request), is(empty()));
  }

  @Test
  void earlierRequestsOnAnotherClusterDoNotCount() {
    ClusterEvent otherCluster = updateMaster("1.32").cluster("c2").build();
    ClusterEvent request = updateMaster("1.31").at(T0.plusSeconds(3600)).build();

    assertThat(run(otherCluster, request), is(empty()));
  }

  @Test
  void productionClusterRaisesToCritical() {
    ClusterMetadata prod =
        metadata("c1").label("env", "prod").masterVersion("1.30.5-gke.1200").updated(T0.minus(Duration.ofDays(1))).build();

    assertThat(run(updateMaster("1.29").withCluster(prod).build()).get(0).severity(), is("CRITICAL"));
  }
}
