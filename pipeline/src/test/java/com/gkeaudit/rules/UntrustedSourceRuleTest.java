package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.call;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.options.RuleConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** untrusted-source: successful changes and denied calls from outside trustedCidrs. */
class UntrustedSourceRuleTest {
  private static final RuleConfig TRUSTING_OFFICE_AND_VPN =
      RuleConfigs.of("--trustedCidrs=203.0.113.0/24,2001:db8::/32");

  private static List<Finding> run(RuleConfig config, ClusterEvent event) {
    return Findings.ofRule(RuleRun.perEvent(config, List.of(event)), Rule.UNTRUSTED_SOURCE);
  }

  private static List<Finding> run(ClusterEvent event) {
    return run(TRUSTING_OFFICE_AND_VPN, event);
  }

  private static ClusterEvent labelsFrom(String ip) {
    return change("SetLabels").request("{}").from(ip).build();
  }

  @Test
  void changeFromOutsideIsReported() {
    ClusterEvent event = labelsFrom("198.51.100.7");

    List<Finding> findings = run(event);

    assertThat(findings, hasSize(1));
    Finding f = findings.get(0);
    assertThat(f.ruleId(), is("untrusted-source"));
    assertThat(f.severity(), is("MEDIUM"));
    assertThat(f.callerIp(), is("198.51.100.7"));
    assertThat(f.principal(), is(ClusterEvents.ALICE));
    assertThat(f.eventTimeNanos(), is(event.timeNanos()));
    assertThat(Findings.details(f).get("status_code").asInt(), is(0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"203.0.113.10", "203.0.113.0", "203.0.113.255", "2001:db8::1", "2001:db8:ffff::5", "private",
      "gce-internal-ip"})
  void insideTheTrustedNetworksIsNotReported(String ip) {
    assertThat(run(labelsFrom(ip)), is(empty()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"203.0.114.0", "203.0.112.255", "2001:db9::1", "2001:db7:ffff::1", "::1", "10.0.0.1"})
  void justOutsideTheTrustedNetworksIsReported(String ip) {
    assertThat(run(labelsFrom(ip)), hasSize(1));
  }

  @Test
  void deniedCallFromOutsideIsReported() {
    ClusterEvent denied = call("GetCluster").dataAccess().from("198.51.100.7").denied().build();

    List<Finding> findings = run(denied);

    assertThat(findings, hasSize(1));
    assertThat(Findings.details(findings.get(0)).get("status_code").asInt(), is(7));
  }

  @Test
  void otherFailuresFromOutsideAreNotReported() {
    assertThat(run(change("SetLabels").request("{}").from("198.51.100.7").failed(3).build()), is(empty()));
  }

  @Test
  void readsFromOutsideAreNotReported() {
    assertThat(run(call("GetCluster").dataAccess().from("198.51.100.7").build()), is(empty()));
  }

  @Test
  void googleInitiatedCallsAreNotReported() {
    assertThat(run(change("SetLabels").request("{}").by("system:gke").from("198.51.100.7").build()), is(empty()));
  }

  @Test
  void offWhenNoTrustedCidrsAreSet() {
    assertThat(run(RuleConfigs.defaults(), labelsFrom("198.51.100.7")), is(empty()));
    assertThat(run(RuleConfigs.defaults(), call("GetCluster").from("198.51.100.7").denied().build()), is(empty()));
  }

  @Test
  void productionClusterRaisesSeverity() {
    var prod = metadata("c1").label("criticality", "critical").build();

    assertThat(run(change("SetLabels").request("{}").from("198.51.100.7").withCluster(prod).build()).get(0).severity(),
        is("HIGH"));
  }
}
