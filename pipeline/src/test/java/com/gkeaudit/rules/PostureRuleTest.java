package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.options.RuleConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** posture-weakened: one finding per control a successful change switches off. */
class PostureRuleTest {
  private static final RuleConfig CONFIG = RuleConfigs.defaults();

  private static final String OPEN_TO_INTERNET_AND_NO_LOGGING = """
      {'update': {
         'desiredMasterAuthorizedNetworksConfig': {'enabled': true,
                                                   'cidrBlocks': [{'cidrBlock': '10.0.0.0/8'}, {'cidrBlock': '0.0.0.0/0'}]},
         'desiredLoggingService': 'none'}}
      """;

  private static List<Finding> run(ClusterEvent event) {
    return Findings.ofRule(RuleRun.perEvent(CONFIG, List.of(event)), Rule.POSTURE_WEAKENED);
  }

  private static List<String> controls(List<Finding> findings) {
    return findings.stream().map(f -> Findings.details(f).get("control").asText()).toList();
  }

  @Test
  void oneFindingPerControlSwitchedOff() {
    ClusterEvent event = change("UpdateCluster").request(OPEN_TO_INTERNET_AND_NO_LOGGING).build();

    List<Finding> findings = run(event);

    assertThat(controls(findings), containsInAnyOrder("authorized_networks", "logging"));
    assertThat(findings.get(0).findingId(), not(findings.get(1).findingId()));
    for (Finding f : findings) {
      assertThat(f.ruleId(), is("posture-weakened"));
      assertThat(f.severity(), is("HIGH"));
      assertThat(f.eventTimeNanos(), is(event.timeNanos()));
      assertThat(f.evidenceInsertIds(), is(Findings.insertIds(event)));
      assertThat(f.remediation(), containsString("Pod Security Admission"));
      assertThat(f.remediation(), not(containsString("PodSecurityPolicy")));
    }
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "SetLegacyAbac        | {'enabled': true}                                                  | legacy_abac",
    "SetMasterAuth        | {'action': 'SET_PASSWORD', 'update': {'password': 'pw-1'}}         | basic_auth",
    "SetNetworkPolicy     | {'networkPolicy': {'provider': 'CALICO'}}                          | network_policy",
    "SetAddonsConfig      | {'addonsConfig': {'networkPolicyConfig': {'disabled': true}}}      | network_policy",
    "SetLoggingService    | {'loggingService': 'none'}                                         | logging",
    "SetMonitoringService | {'monitoringService': 'none'}                                      | monitoring",
    "UpdateCluster        | {'update': {'desiredEnablePrivateEndpoint': false}}                | private_endpoint",
    "UpdateCluster        | {'update': {'desiredBinaryAuthorization': {'evaluationMode': 'DISABLED'}}} | binary_authorization",
    "UpdateCluster        | {'update': {'desiredShieldedNodes': {}}}                           | shielded_nodes",
    "UpdateCluster        | {'update': {'desiredWorkloadIdentityConfig': {}}}                  | workload_identity",
    "UpdateCluster        | {'update': {'desiredMasterAuthorizedNetworksConfig': {}}}          | authorized_networks",
    "UpdateCluster        | {'update': {'desiredMonitoringConfig': {'componentConfig': {}}}}   | monitoring",
  })
  void eachControlIsNamed(String method, String request, String control) {
    assertThat(controls(run(change(method).request(request).build())), is(List.of(control)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "SetLegacyAbac     | {'enabled': false}",
    "SetLegacyAbac     | {}",
    "SetNetworkPolicy  | {'networkPolicy': {'provider': 'CALICO', 'enabled': true}}",
    "SetLoggingService | {'loggingService': 'logging.googleapis.com/kubernetes'}",
    "UpdateCluster     | {'update': {'desiredMasterAuthorizedNetworksConfig': {'enabled': true, 'cidrBlocks': [{'cidrBlock': '203.0.113.0/24'}]}}}",
    "UpdateCluster     | {'update': {'desiredNodeVersion': '1.31'}}",
    "SetLabels         | {'resourceLabels': {'env': 'dev'}}",
  })
  void strengtheningOrUnrelatedChangesAreNotReported(String method, String request) {
    assertThat(run(change(method).request(request).build()), is(empty()));
  }

  @Test
  void failedDeniedAndGoogleInitiatedChangesAreNotReported() {
    assertThat(run(change("SetLegacyAbac").request("{'enabled': true}").failed(9).build()), is(empty()));
    assertThat(run(change("SetLegacyAbac").request("{'enabled': true}").denied().build()), is(empty()));
    assertThat(run(change("SetLegacyAbac").request("{'enabled': true}").by("system:gke-controller").build()), is(empty()));
  }

  @Test
  void operationIsJudgedAtItsFirstEntry() {
    ClusterEvent first = change("SetLegacyAbac").operationFirst("op-abac").request("{'enabled': true}").build();
    ClusterEvent last = change("SetLegacyAbac").operationLast("op-abac").failed(13).build();

    assertThat(run(first), hasSize(1));
    assertThat(run(last), is(empty()));
  }

  @Test
  void setMasterAuthPasswordIsNeverCopied() {
    ClusterEvent event = change("SetMasterAuth")
        .request("{'action': 'SET_PASSWORD', 'update': {'username': 'admin', 'password': 'hunter2-do-not-leak'}}")
        .build();

    List<Finding> findings = run(event);

    assertThat(findings, hasSize(1));
    assertThat(event.requestJson(), not(containsString("hunter2-do-not-leak")));
    assertThat(Findings.allText(findings.get(0)), not(containsString("hunter2-do-not-leak")));
  }

  @Test
  void productionClusterRaisesToCritical() {
    var prod = metadata("c1").label("env", "PROD").build();

    assertThat(run(change("SetLegacyAbac").request("{'enabled': true}").withCluster(prod).build()).get(0).severity(),
        is("CRITICAL"));
  }
}
