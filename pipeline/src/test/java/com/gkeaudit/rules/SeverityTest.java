package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.metadata;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.options.RuleConfigs;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/rules.md severity: the base, raised one level for a production or high/critical cluster. */
class SeverityTest {
  private static final RuleConfig CONFIG = RuleConfigs.defaults();

  private static Severity escalated(Severity base, ClusterMetadata... clusters) {
    return base.escalatedFor(Arrays.asList(clusters), CONFIG);
  }

  @Test
  void levelsRaiseOneStepAndCriticalStays() {
    assertThat(Severity.LOW.raised(), is(Severity.MEDIUM));
    assertThat(Severity.MEDIUM.raised(), is(Severity.HIGH));
    assertThat(Severity.HIGH.raised(), is(Severity.CRITICAL));
    assertThat(Severity.CRITICAL.raised(), is(Severity.CRITICAL));
  }

  @ParameterizedTest(name = "{0}={1} raises: {2}")
  @CsvSource({
    "env,         prod,        true",
    "env,         production,  true",
    "env,         Production,  true",
    "env,         staging,     false",
    "criticality, high,        true",
    "criticality, critical,    true",
    "criticality, HIGH,        true",
    "criticality, medium,      false",
    "tier,        prod,        false",
  })
  void labelsThatRaise(String key, String value, boolean raises) {
    assertThat(escalated(Severity.MEDIUM, metadata("c1").label(key, value).build()),
        is(raises ? Severity.HIGH : Severity.MEDIUM));
  }

  @Test
  void bothLabelsStillRaiseOnlyOneLevel() {
    ClusterMetadata both = metadata("c1").label("env", "prod").label("criticality", "critical").build();

    assertThat(escalated(Severity.LOW, both), is(Severity.MEDIUM));
  }

  @Test
  void anyInvolvedClusterRaisesAndUnknownClustersDoNot() {
    ClusterMetadata dev = metadata("c1").label("env", "dev").build();
    ClusterMetadata prod = metadata("c2").label("env", "prod").build();

    assertThat(escalated(Severity.HIGH, dev, null, prod), is(Severity.CRITICAL));
    assertThat(escalated(Severity.HIGH, dev, null), is(Severity.HIGH));
  }

  @Test
  void labelKeysAndProductionValuesComeFromTheConfig() {
    RuleConfig custom =
        RuleConfigs.of("--environmentLabel=stage", "--productionValues=live", "--criticalityLabel=tier");

    assertThat(Severity.LOW.escalatedFor(List.of(metadata("c1").label("stage", "live").build()), custom),
        is(Severity.MEDIUM));
    assertThat(Severity.LOW.escalatedFor(List.of(metadata("c1").label("tier", "critical").build()), custom),
        is(Severity.MEDIUM));
    assertThat(Severity.LOW.escalatedFor(List.of(metadata("c1").label("env", "prod").build()), custom),
        is(Severity.LOW));
  }
}
