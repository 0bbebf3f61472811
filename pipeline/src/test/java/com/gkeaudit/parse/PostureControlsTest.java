package com.gkeaudit.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PostureControlsTest {
  // Single quotes keep the inline fixtures readable; the trees are the same as from double-quoted JSON.
  private static final ObjectMapper LENIENT = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

  private static JsonNode json(String text) {
    try {
      return LENIENT.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertWeakens(String method, String request, String... controls) {
    assertThat(PostureControls.weakened(method, json(request)), is(List.of(controls)));
  }

  private static void assertWeakensNothing(String method, String request) {
    assertThat(PostureControls.weakened(method, json(request)), is(empty()));
  }

  @Nested
  class LegacyAbac {
    static final String ENABLE = "{'name': 'projects/p/locations/l/clusters/c', 'enabled': true}";
    static final String ENABLE_AS_STRING = "{'enabled': 'true'}";
    static final String DISABLE = "{'enabled': false}";
    static final String DISABLE_PROTO3_OMITTED = "{'name': 'projects/p/locations/l/clusters/c'}";

    @Test
    void enablingLegacyAbacWeakens() {
      assertWeakens("SetLegacyAbac", ENABLE, "legacy_abac");
    }

    @Test
    void enablingWithStringTrueWeakens() {
      assertWeakens("SetLegacyAbac", ENABLE_AS_STRING, "legacy_abac");
    }

    @Test
    void disablingLegacyAbacDoesNotWeaken() {
      assertWeakensNothing("SetLegacyAbac", DISABLE);
    }

    @Test
    void disablingWithOmittedFlagDoesNotWeaken() {
      assertWeakensNothing("SetLegacyAbac", DISABLE_PROTO3_OMITTED);
    }
  }

  @Nested
  class BasicAuth {
    static final String SET_PASSWORD =
        "{'@type': 'type.googleapis.com/google.container.v1alpha1.SetMasterAuthRequest',"
            + " 'name': 'projects/p/locations/l/clusters/c', 'action': 'SET_PASSWORD',"
            + " 'update': {'username': 'admin', 'password': 'hunter2-secret'}}";
    static final String GENERATE_PASSWORD_WITHOUT_UPDATE = "{'action': 'GENERATE_PASSWORD'}";
    static final String SET_USERNAME = "{'action': 'SET_USERNAME', 'update': {'username': 'admin'}}";
    static final String SET_EMPTY_USERNAME = "{'action': 'SET_USERNAME', 'update': {'username': ''}}";
    static final String SET_USERNAME_PROTO3_OMITTED = "{'action': 'SET_USERNAME', 'update': {}}";
    static final String NO_ACTION_WITH_PASSWORD = "{'update': {'password': 'hunter2-secret'}}";
    static final String UNKNOWN_ACTION_WITH_USERNAME = "{'action': 'UNKNOWN', 'update': {'username': 'admin'}}";
    static final String NO_ACTION_NO_CREDENTIALS = "{'update': {'username': '', 'password': ''}}";

    @Test
    void settingPasswordWeakens() {
      assertWeakens("SetMasterAuth", SET_PASSWORD, "basic_auth");
    }

    @Test
    void generatingPasswordWeakens() {
      assertWeakens("SetMasterAuth", GENERATE_PASSWORD_WITHOUT_UPDATE, "basic_auth");
    }

    @Test
    void settingUsernameWeakens() {
      assertWeakens("SetMasterAuth", SET_USERNAME, "basic_auth");
    }

    @Test
    void clearingUsernameDisablesBasicAuthAndDoesNotWeaken() {
      assertWeakensNothing("SetMasterAuth", SET_EMPTY_USERNAME);
    }

    @Test
    void clearingUsernameWithOmittedValueDoesNotWeaken() {
      assertWeakensNothing("SetMasterAuth", SET_USERNAME_PROTO3_OMITTED);
    }

    @Test
    void withoutActionAPasswordWeakens() {
      assertWeakens("SetMasterAuth", NO_ACTION_WITH_PASSWORD, "basic_auth");
    }

    @Test
    void withUnknownActionAUsernameWeakens() {
      assertWeakens("SetMasterAuth", UNKNOWN_ACTION_WITH_USERNAME, "basic_auth");
    }

    @Test
    void withoutActionOrCredentialsDoesNotWeaken() {
      assertWeakensNothing("SetMasterAuth", NO_ACTION_NO_CREDENTIALS);
    }
  }

  @Nested
  class AuthorizedNetworks {
    static final String DISABLE = "{'update': {'desiredMasterAuthorizedNetworksConfig': {'enabled': false}}}";
    static final String DISABLE_PROTO3_OMITTED = "{'update': {'desiredMasterAuthorizedNetworksConfig': {}}}";
    static final String ENABLE_OPEN_TO_IPV4_INTERNET =
        "{'update': {'desiredMasterAuthorizedNetworksConfig': {'enabled': true, 'cidrBlocks': ["
            + "{'displayName': 'office', 'cidrBlock': '203.0.113.0/24'}, {'cidrBlock': '0.0.0.0/0'}]}}}";
    static final String ENABLE_OPEN_TO_IPV6_INTERNET =
        "{'update': {'desiredMasterAuthorizedNetworksConfig': {'enabled': true,"
            + " 'cidrBlocks': [{'cidrBlock': '::/0'}]}}}";
    static final String ENABLE_OFFICE_ONLY =
        "{'update': {'desiredMasterAuthorizedNetworksConfig': {'enabled': true,"
            + " 'cidrBlocks': [{'displayName': 'office', 'cidrBlock': '203.0.113.0/24'}]}}}";
    static final String ENABLE_WITHOUT_BLOCKS =
        "{'update': {'desiredMasterAuthorizedNetworksConfig': {'enabled': true}}}";
    static final String SNAKE_CASE_OPEN_TO_INTERNET =
        "{'update': {'desired_master_authorized_networks_config': {'enabled': true,"
            + " 'cidr_blocks': [{'cidr_block': '0.0.0.0/0'}]}}}";

    @Test
    void disablingWeakens() {
      assertWeakens("UpdateCluster", DISABLE, "authorized_networks");
    }

    @Test
    void omittedEnabledCountsAsDisabled() {
      assertWeakens("UpdateCluster", DISABLE_PROTO3_OMITTED, "authorized_networks");
    }

    @Test
    void allowingAllIpv4AddressesWeakens() {
      assertWeakens("UpdateCluster", ENABLE_OPEN_TO_IPV4_INTERNET, "authorized_networks");
    }

    @Test
    void allowingAllIpv6AddressesWeakens() {
      assertWeakens("UpdateCluster", ENABLE_OPEN_TO_IPV6_INTERNET, "authorized_networks");
    }

    @Test
    void snakeCaseRequestIsRead() {
      assertWeakens("UpdateCluster", SNAKE_CASE_OPEN_TO_INTERNET, "authorized_networks");
    }

    @Test
    void restrictingToOfficeRangeDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", ENABLE_OFFICE_ONLY);
    }

    @Test
    void enablingWithoutBlocksDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", ENABLE_WITHOUT_BLOCKS);
    }
  }

  @Nested
  class NetworkPolicy {
    static final String SET_DISABLED = "{'networkPolicy': {'provider': 'CALICO', 'enabled': false}}";
    static final String SET_DISABLED_PROTO3_OMITTED = "{'networkPolicy': {'provider': 'CALICO'}}";
    static final String SET_ENABLED = "{'networkPolicy': {'provider': 'CALICO', 'enabled': true}}";
    static final String SET_WITHOUT_POLICY = "{'name': 'projects/p/locations/l/clusters/c'}";
    static final String ADDON_DISABLED = "{'addonsConfig': {'networkPolicyConfig': {'disabled': true}}}";
    static final String ADDON_ENABLED_PROTO3_OMITTED = "{'addonsConfig': {'networkPolicyConfig': {}}}";
    static final String UPDATE_ADDON_DISABLED_AS_STRING =
        "{'update': {'desiredAddonsConfig': {'networkPolicyConfig': {'disabled': 'true'}}}}";
    static final String UPDATE_OTHER_ADDON_DISABLED =
        "{'update': {'desiredAddonsConfig': {'httpLoadBalancing': {'disabled': true}}}}";

    @Test
    void setNetworkPolicyDisabledWeakens() {
      assertWeakens("SetNetworkPolicy", SET_DISABLED, "network_policy");
    }

    @Test
    void setNetworkPolicyWithOmittedEnabledWeakens() {
      assertWeakens("SetNetworkPolicy", SET_DISABLED_PROTO3_OMITTED, "network_policy");
    }

    @Test
    void setNetworkPolicyEnabledDoesNotWeaken() {
      assertWeakensNothing("SetNetworkPolicy", SET_ENABLED);
    }

    @Test
    void setNetworkPolicyWithoutPolicyDoesNotWeaken() {
      assertWeakensNothing("SetNetworkPolicy", SET_WITHOUT_POLICY);
    }

    @Test
    void disablingAddonWeakens() {
      assertWeakens("SetAddonsConfig", ADDON_DISABLED, "network_policy");
    }

    @Test
    void addonWithOmittedDisabledStaysOn() {
      assertWeakensNothing("SetAddonsConfig", ADDON_ENABLED_PROTO3_OMITTED);
    }

    @Test
    void disablingAddonThroughUpdateClusterWeakens() {
      assertWeakens("UpdateCluster", UPDATE_ADDON_DISABLED_AS_STRING, "network_policy");
    }

    @Test
    void disablingAnotherAddonDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", UPDATE_OTHER_ADDON_DISABLED);
    }
  }

  @Nested
  class LoggingAndMonitoring {
    static final String LOGGING_NONE = "{'loggingService': 'none'}";
    static final String LOGGING_CLOUD = "{'loggingService': 'logging.googleapis.com/kubernetes'}";
    static final String MONITORING_NONE = "{'monitoringService': 'none'}";
    static final String MONITORING_CLOUD = "{'monitoringService': 'monitoring.googleapis.com/kubernetes'}";
    static final String UPDATE_LOGGING_NONE = "{'update': {'desiredLoggingService': 'none'}}";
    static final String UPDATE_MONITORING_NONE = "{'update': {'desiredMonitoringService': 'none'}}";
    static final String LOGGING_CONFIG_EMPTY = "{'update': {'desiredLoggingConfig': {}}}";
    static final String LOGGING_CONFIG_NO_COMPONENTS =
        "{'update': {'desiredLoggingConfig': {'componentConfig': {'enableComponents': []}}}}";
    static final String LOGGING_CONFIG_SYSTEM_AND_WORKLOADS =
        "{'update': {'desiredLoggingConfig': {'componentConfig':"
            + " {'enableComponents': ['SYSTEM_COMPONENTS', 'WORKLOADS']}}}}";
    static final String MONITORING_CONFIG_COMPONENTS_OMITTED =
        "{'update': {'desiredMonitoringConfig': {'componentConfig': {}}}}";
    static final String MONITORING_CONFIG_SYSTEM =
        "{'update': {'desiredMonitoringConfig': {'componentConfig': {'enableComponents': ['SYSTEM_COMPONENTS']}}}}";

    @Test
    void loggingServiceNoneWeakens() {
      assertWeakens("SetLoggingService", LOGGING_NONE, "logging");
    }

    @Test
    void loggingServiceCloudLoggingDoesNotWeaken() {
      assertWeakensNothing("SetLoggingService", LOGGING_CLOUD);
    }

    @Test
    void monitoringServiceNoneWeakens() {
      assertWeakens("SetMonitoringService", MONITORING_NONE, "monitoring");
    }

    @Test
    void monitoringServiceCloudMonitoringDoesNotWeaken() {
      assertWeakensNothing("SetMonitoringService", MONITORING_CLOUD);
    }

    @Test
    void desiredLoggingServiceNoneWeakens() {
      assertWeakens("UpdateCluster", UPDATE_LOGGING_NONE, "logging");
    }

    @Test
    void desiredMonitoringServiceNoneWeakens() {
      assertWeakens("UpdateCluster", UPDATE_MONITORING_NONE, "monitoring");
    }

    @Test
    void emptyLoggingConfigWeakens() {
      assertWeakens("UpdateCluster", LOGGING_CONFIG_EMPTY, "logging");
    }

    @Test
    void loggingConfigWithEmptyComponentListWeakens() {
      assertWeakens("UpdateCluster", LOGGING_CONFIG_NO_COMPONENTS, "logging");
    }

    @Test
    void loggingConfigWithComponentsDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", LOGGING_CONFIG_SYSTEM_AND_WORKLOADS);
    }

    @Test
    void monitoringConfigWithOmittedComponentsWeakens() {
      assertWeakens("UpdateCluster", MONITORING_CONFIG_COMPONENTS_OMITTED, "monitoring");
    }

    @Test
    void monitoringConfigWithComponentsDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", MONITORING_CONFIG_SYSTEM);
    }
  }

  @Nested
  class PrivateEndpoint {
    static final String DISABLE = "{'update': {'desiredEnablePrivateEndpoint': false}}";
    static final String DISABLE_AS_STRING = "{'update': {'desiredEnablePrivateEndpoint': 'false'}}";
    static final String ENABLE = "{'update': {'desiredEnablePrivateEndpoint': true}}";
    static final String CONFIG_PRIVATE_ENDPOINT_OFF =
        "{'update': {'desiredPrivateClusterConfig': {'enablePrivateEndpoint': false}}}";
    static final String CONFIG_PRIVATE_ENDPOINT_PROTO3_OMITTED = "{'update': {'desiredPrivateClusterConfig': {}}}";
    static final String CONFIG_PRIVATE_ENDPOINT_ON =
        "{'update': {'desiredPrivateClusterConfig': {'enablePrivateNodes': true, 'enablePrivateEndpoint': true}}}";

    @Test
    void disablingPrivateEndpointWeakens() {
      assertWeakens("UpdateCluster", DISABLE, "private_endpoint");
    }

    @Test
    void disablingWithStringFalseWeakens() {
      assertWeakens("UpdateCluster", DISABLE_AS_STRING, "private_endpoint");
    }

    @Test
    void enablingPrivateEndpointDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", ENABLE);
    }

    @Test
    void privateClusterConfigWithEndpointOffWeakens() {
      assertWeakens("UpdateCluster", CONFIG_PRIVATE_ENDPOINT_OFF, "private_endpoint");
    }

    @Test
    void privateClusterConfigWithOmittedEndpointWeakens() {
      assertWeakens("UpdateCluster", CONFIG_PRIVATE_ENDPOINT_PROTO3_OMITTED, "private_endpoint");
    }

    @Test
    void privateClusterConfigWithEndpointOnDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", CONFIG_PRIVATE_ENDPOINT_ON);
    }
  }

  @Nested
  class BinaryAuthorization {
    static final String MODE_DISABLED = "{'update': {'desiredBinaryAuthorization': {'evaluationMode': 'DISABLED'}}}";
    static final String MODE_DISABLED_DESPITE_ENABLED_FLAG =
        "{'update': {'desiredBinaryAuthorization': {'enabled': true, 'evaluationMode': 'DISABLED'}}}";
    static final String LEGACY_FLAG_OFF = "{'update': {'desiredBinaryAuthorization': {'enabled': false}}}";
    static final String NOTHING_SET_PROTO3_OMITTED = "{'update': {'desiredBinaryAuthorization': {}}}";
    static final String MODE_UNSPECIFIED_WITHOUT_FLAG =
        "{'update': {'desiredBinaryAuthorization': {'evaluationMode': 'EVALUATION_MODE_UNSPECIFIED'}}}";
    static final String MODE_ENFORCE =
        "{'update': {'desiredBinaryAuthorization': {'evaluationMode': 'PROJECT_SINGLETON_POLICY_ENFORCE'}}}";
    static final String LEGACY_FLAG_ON = "{'update': {'desiredBinaryAuthorization': {'enabled': true}}}";
    static final String MODE_UNSPECIFIED_WITH_FLAG_ON =
        "{'update': {'desiredBinaryAuthorization':"
            + " {'enabled': true, 'evaluationMode': 'EVALUATION_MODE_UNSPECIFIED'}}}";

    @Test
    void evaluationModeDisabledWeakens() {
      assertWeakens("UpdateCluster", MODE_DISABLED, "binary_authorization");
    }

    @Test
    void evaluationModeDisabledWinsOverLegacyFlag() {
      assertWeakens("UpdateCluster", MODE_DISABLED_DESPITE_ENABLED_FLAG, "binary_authorization");
    }

    @Test
    void legacyFlagOffWeakens() {
      assertWeakens("UpdateCluster", LEGACY_FLAG_OFF, "binary_authorization");
    }

    @Test
    void emptyConfigWeakens() {
      assertWeakens("UpdateCluster", NOTHING_SET_PROTO3_OMITTED, "binary_authorization");
    }

    @Test
    void unspecifiedModeWithoutFlagWeakens() {
      assertWeakens("UpdateCluster", MODE_UNSPECIFIED_WITHOUT_FLAG, "binary_authorization");
    }

    @Test
    void enforcingModeDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", MODE_ENFORCE);
    }

    @Test
    void legacyFlagOnDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", LEGACY_FLAG_ON);
    }

    @Test
    void unspecifiedModeFallsBackToLegacyFlag() {
      assertWeakensNothing("UpdateCluster", MODE_UNSPECIFIED_WITH_FLAG_ON);
    }
  }

  @Nested
  class ShieldedNodes {
    static final String DISABLE = "{'update': {'desiredShieldedNodes': {'enabled': false}}}";
    static final String DISABLE_PROTO3_OMITTED = "{'update': {'desiredShieldedNodes': {}}}";
    static final String SNAKE_CASE_DISABLE_PROTO3_OMITTED = "{'update': {'desired_shielded_nodes': {}}}";
    static final String ENABLE = "{'update': {'desiredShieldedNodes': {'enabled': true}}}";

    @Test
    void disablingShieldedNodesWeakens() {
      assertWeakens("UpdateCluster", DISABLE, "shielded_nodes");
    }

    @Test
    void omittedEnabledCountsAsDisabled() {
      assertWeakens("UpdateCluster", DISABLE_PROTO3_OMITTED, "shielded_nodes");
    }

    @Test
    void snakeCaseRequestIsRead() {
      assertWeakens("UpdateCluster", SNAKE_CASE_DISABLE_PROTO3_OMITTED, "shielded_nodes");
    }

    @Test
    void enablingShieldedNodesDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", ENABLE);
    }
  }

  @Nested
  class WorkloadIdentity {
    static final String EMPTY_POOL = "{'update': {'desiredWorkloadIdentityConfig': {'workloadPool': ''}}}";
    static final String POOL_PROTO3_OMITTED = "{'update': {'desiredWorkloadIdentityConfig': {}}}";
    static final String SET_POOL = "{'update': {'desiredWorkloadIdentityConfig': {'workloadPool': 'p.svc.id.goog'}}}";

    @Test
    void emptyWorkloadPoolWeakens() {
      assertWeakens("UpdateCluster", EMPTY_POOL, "workload_identity");
    }

    @Test
    void omittedWorkloadPoolWeakens() {
      assertWeakens("UpdateCluster", POOL_PROTO3_OMITTED, "workload_identity");
    }

    @Test
    void settingWorkloadPoolDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", SET_POOL);
    }
  }

  @Nested
  class WholeRequests {
    static final String UPDATE_SWITCHING_EVERYTHING_OFF =
        "{'update': {"
            + "'desiredWorkloadIdentityConfig': {},"
            + "'desiredShieldedNodes': {},"
            + "'desiredBinaryAuthorization': {'evaluationMode': 'DISABLED'},"
            + "'desiredEnablePrivateEndpoint': false,"
            + "'desiredPrivateClusterConfig': {},"
            + "'desiredMonitoringService': 'none',"
            + "'desiredLoggingService': 'none',"
            + "'desiredLoggingConfig': {},"
            + "'desiredAddonsConfig': {'networkPolicyConfig': {'disabled': true}},"
            + "'desiredMasterAuthorizedNetworksConfig': {}}}";
    static final String UPDATE_HARDENING_EVERYTHING =
        "{'@type': 'type.googleapis.com/google.container.v1alpha1.UpdateClusterRequest',"
            + " 'name': 'projects/p/locations/l/clusters/c', 'update': {"
            + "'desiredMasterAuthorizedNetworksConfig': {'enabled': true,"
            + " 'cidrBlocks': [{'cidrBlock': '203.0.113.0/24'}]},"
            + "'desiredEnablePrivateEndpoint': true,"
            + "'desiredPrivateClusterConfig': {'enablePrivateEndpoint': true},"
            + "'desiredBinaryAuthorization': {'evaluationMode': 'PROJECT_SINGLETON_POLICY_ENFORCE'},"
            + "'desiredShieldedNodes': {'enabled': true},"
            + "'desiredWorkloadIdentityConfig': {'workloadPool': 'p.svc.id.goog'},"
            + "'desiredLoggingService': 'logging.googleapis.com/kubernetes',"
            + "'desiredMonitoringService': 'monitoring.googleapis.com/kubernetes',"
            + "'desiredLoggingConfig': {'componentConfig': {'enableComponents': ['SYSTEM_COMPONENTS']}},"
            + "'desiredMonitoringConfig': {'componentConfig': {'enableComponents': ['SYSTEM_COMPONENTS']}},"
            + "'desiredAddonsConfig': {'networkPolicyConfig': {}}}}";
    static final String UPDATE_UNRELATED_FIELDS =
        "{'update': {'desiredMasterVersion': '1.30.5-gke.1', 'desiredNodePoolId': 'default-pool',"
            + " 'desiredReleaseChannel': {'channel': 'STABLE'}}}";

    @Test
    void everyControlSwitchedOffIsReportedOnceInSortedOrder() {
      assertWeakens("UpdateCluster", UPDATE_SWITCHING_EVERYTHING_OFF,
          "authorized_networks", "binary_authorization", "logging", "monitoring", "network_policy",
          "private_endpoint", "shielded_nodes", "workload_identity");
    }

    @Test
    void hardeningEveryControlDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", UPDATE_HARDENING_EVERYTHING);
    }

    @Test
    void unrelatedUpdateDoesNotWeaken() {
      assertWeakensNothing("UpdateCluster", UPDATE_UNRELATED_FIELDS);
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        UpdateCluster        | {'enabled': true}
        UpdateCluster        | {'loggingService': 'none'}
        SetLegacyAbac        | {'update': {'desiredShieldedNodes': {}}}
        SetMonitoringService | {'loggingService': 'none'}
        SetAddonsConfig      | {'update': {'desiredAddonsConfig': {'networkPolicyConfig': {'disabled': true}}}}
        CreateCluster        | {'cluster': {'legacyAbac': {'enabled': true}, 'shieldedNodes': {}}}
        UpdateMaster         | {'masterVersion': '1.29'}
        SetLabels            | {'resourceLabels': {'env': 'prod'}}
        SetNodePoolSize      | {'nodeCount': 0}
        """)
    void controlsOnlyCountUnderTheMethodThatCarriesThem(String method, String request) {
      assertWeakensNothing(method, request);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SetLegacyAbac", "SetMasterAuth", "SetNetworkPolicy", "SetAddonsConfig",
        "SetLoggingService", "SetMonitoringService", "UpdateCluster"})
    void nullRequestWeakensNothing(String method) {
      assertThat(PostureControls.weakened(method, null), is(empty()));
    }

    @Test
    void nullMethodWeakensNothing() {
      assertThat(PostureControls.weakened(null, json("{'enabled': true}")), is(empty()));
    }
  }

  @Nested
  class OddShapes {
    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        SetLegacyAbac        | null
        SetLegacyAbac        | [true]
        SetLegacyAbac        | 'enabled'
        SetLegacyAbac        | {'enabled': 1}
        SetLegacyAbac        | {'enabled': {'value': true}}
        SetMasterAuth        | {'action': ['SET_PASSWORD'], 'update': {'username': {'name': 'admin'}}}
        SetMasterAuth        | {'update': 'admin:hunter2'}
        SetMasterAuth        | {'update': [{'password': 'hunter2'}]}
        SetNetworkPolicy     | {'networkPolicy': 'CALICO'}
        SetNetworkPolicy     | {'networkPolicy': [{'enabled': false}]}
        SetAddonsConfig      | {'addonsConfig': {'networkPolicyConfig': [{'disabled': true}]}}
        SetAddonsConfig      | {'addonsConfig': 'networkPolicyConfig'}
        SetLoggingService    | {'loggingService': ['none']}
        SetMonitoringService | {'monitoringService': {'name': 'none'}}
        UpdateCluster        | {'update': []}
        UpdateCluster        | {'update': 'desiredShieldedNodes'}
        """)
    void unreadableRequestsWeakenNothingAndDoNotThrow(String method, String request) {
      assertWeakensNothing(method, request);
    }

    @ParameterizedTest(name = "UpdateCluster with update {0}")
    @ValueSource(strings = {
        "{'desiredShieldedNodes': true}",
        "{'desiredShieldedNodes': [{}]}",
        "{'desiredWorkloadIdentityConfig': ''}",
        "{'desiredBinaryAuthorization': 'DISABLED'}",
        "{'desiredEnablePrivateEndpoint': {}}",
        "{'desiredPrivateClusterConfig': [false]}",
        "{'desiredLoggingConfig': []}",
        "{'desiredLoggingConfig': {'componentConfig': {'enableComponents': 'WORKLOADS'}}}",
        "{'desiredMasterAuthorizedNetworksConfig': 'disabled'}",
        "{'desiredMasterAuthorizedNetworksConfig': {'enabled': true, 'cidrBlocks': {'cidrBlock': '0.0.0.0/0'}}}",
        "{'desiredMasterAuthorizedNetworksConfig': {'enabled': true, 'cidrBlocks': ['0.0.0.0/0', null, 7, [{}]]}}"
    })
    void unreadableClusterUpdatesWeakenNothingAndDoNotThrow(String update) {
      assertWeakensNothing("UpdateCluster", "{'update': " + update + "}");
    }
  }
}
