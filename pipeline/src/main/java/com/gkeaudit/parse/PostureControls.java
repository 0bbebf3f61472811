package com.gkeaudit.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which security controls a ClusterManager change request switches off: the {@code details.control} values of the
 * {@code posture-weakened} rule (docs/rules.md).
 *
 * <p>Requests are logged as proto3 JSON, which omits false and empty values, so a control message present in the
 * request with its flag absent is read as "off" (docs/rules.md). A control message is only read when it is a JSON object;
 * any other shape is not something the API logs, and guessing on it would raise HIGH findings from garbage.
 */
public final class PostureControls {
  private static final String LEGACY_ABAC = "legacy_abac";
  private static final String BASIC_AUTH = "basic_auth";
  private static final String AUTHORIZED_NETWORKS = "authorized_networks";
  private static final String NETWORK_POLICY = "network_policy";
  private static final String LOGGING = "logging";
  private static final String MONITORING = "monitoring";
  private static final String PRIVATE_ENDPOINT = "private_endpoint";
  private static final String BINARY_AUTHORIZATION = "binary_authorization";
  private static final String SHIELDED_NODES = "shielded_nodes";
  private static final String WORKLOAD_IDENTITY = "workload_identity";

  private static final Set<String> OPEN_TO_INTERNET = Set.of("0.0.0.0/0", "::/0");
  private static final String SERVICE_NONE = "none";

  private PostureControls() {}

  /**
   * The controls {@code request} switches off, sorted and without duplicates; empty for requests that strengthen or
   * leave controls alone, for methods that carry no posture control, and for a null method or request.
   *
   * @param method the ClusterManager method name after {@code ClusterManager.}, e.g. {@code "UpdateCluster"}
   * @param request {@code protoPayload.request}, possibly null
   */
  public static List<String> weakened(String method, JsonNode request) {
    if (method == null || request == null) {
      return List.of();
    }
    SortedSet<String> controls = new TreeSet<>();
    switch (method) {
      case "SetLegacyAbac" -> addIf(controls, LEGACY_ABAC, Json.isTrue(request, "enabled"));
      case "SetMasterAuth" -> addIf(controls, BASIC_AUTH, setsBasicAuthCredentials(request));
      case "SetNetworkPolicy" ->
          addIf(controls, NETWORK_POLICY, isConfigWithFlagOff(Json.field(request, "networkPolicy"), "enabled"));
      case "SetAddonsConfig" ->
          addIf(controls, NETWORK_POLICY, disablesNetworkPolicyAddon(Json.field(request, "addonsConfig")));
      case "SetLoggingService" -> addIf(controls, LOGGING, isNone(Json.text(request, "loggingService")));
      case "SetMonitoringService" -> addIf(controls, MONITORING, isNone(Json.text(request, "monitoringService")));
      case "UpdateCluster" -> addClusterUpdateControls(controls, Json.field(request, "update"));
      default -> {
        // Other methods (node pools, labels, versions, rotations...) carry no posture control.
      }
    }
    return List.copyOf(controls);
  }

  private static void addClusterUpdateControls(SortedSet<String> controls, JsonNode update) {
    addIf(controls, AUTHORIZED_NETWORKS,
        opensMasterAuthorizedNetworks(Json.field(update, "desiredMasterAuthorizedNetworksConfig")));
    addIf(controls, NETWORK_POLICY, disablesNetworkPolicyAddon(Json.field(update, "desiredAddonsConfig")));
    addIf(controls, LOGGING,
        isNone(Json.text(update, "desiredLoggingService"))
            || hasNoComponents(Json.field(update, "desiredLoggingConfig")));
    addIf(controls, MONITORING,
        isNone(Json.text(update, "desiredMonitoringService"))
            || hasNoComponents(Json.field(update, "desiredMonitoringConfig")));
    addIf(controls, PRIVATE_ENDPOINT,
        isExplicitFalse(update, "desiredEnablePrivateEndpoint")
            || isConfigWithFlagOff(Json.field(update, "desiredPrivateClusterConfig"), "enablePrivateEndpoint"));
    addIf(controls, BINARY_AUTHORIZATION,
        disablesBinaryAuthorization(Json.field(update, "desiredBinaryAuthorization")));
    addIf(controls, SHIELDED_NODES, isConfigWithFlagOff(Json.field(update, "desiredShieldedNodes"), "enabled"));
    addIf(controls, WORKLOAD_IDENTITY, clearsWorkloadPool(Json.field(update, "desiredWorkloadIdentityConfig")));
  }

  private static void addIf(SortedSet<String> controls, String control, boolean weakened) {
    if (weakened) {
      controls.add(control);
    }
  }

  /** A control message in the request whose boolean {@code flag} is false or, as proto3 logs false, absent. */
  private static boolean isConfigWithFlagOff(JsonNode config, String flag) {
    return isMessage(config) && !Json.isTrue(config, flag);
  }

  /** Control messages are JSON objects; see the class comment for why other shapes are ignored. */
  private static boolean isMessage(JsonNode config) {
    return config != null && config.isObject();
  }

  /**
   * A scalar that is present and not true. Used for {@code optional bool} fields, where proto3 keeps an explicit false,
   * so absence means "unchanged", not "off".
   */
  private static boolean isExplicitFalse(JsonNode node, String field) {
    JsonNode value = Json.field(node, field);
    return value != null && value.isValueNode() && !Json.isTrue(node, field);
  }

  /**
   * Username and password are basic auth's credentials; a request that sets either (or has GKE generate a password)
   * turns basic auth on. SET_USERNAME with an empty username is how basic auth is switched off, so it does not count.
   * Without a recognised action, the credentials in {@code update} decide.
   */
  private static boolean setsBasicAuthCredentials(JsonNode request) {
    String action = Json.text(request, "action");
    if ("SET_PASSWORD".equals(action) || "GENERATE_PASSWORD".equals(action)) {
      return true;
    }
    boolean setsUsername = isNonEmpty(Json.text(request, "update", "username"));
    if ("SET_USERNAME".equals(action)) {
      return setsUsername;
    }
    return setsUsername || isNonEmpty(Json.text(request, "update", "password"));
  }

  private static boolean opensMasterAuthorizedNetworks(JsonNode config) {
    if (isConfigWithFlagOff(config, "enabled")) {
      return true;
    }
    JsonNode blocks = Json.field(config, "cidrBlocks");
    if (blocks == null || !blocks.isArray()) {
      return false;
    }
    for (JsonNode block : blocks) {
      String cidr = Json.text(block, "cidrBlock");
      if (cidr != null && OPEN_TO_INTERNET.contains(cidr.trim())) {
        return true;
      }
    }
    return false;
  }

  /** The network policy addon is on by default; only an explicit {@code disabled: true} turns it off. */
  private static boolean disablesNetworkPolicyAddon(JsonNode addonsConfig) {
    return Json.isTrue(addonsConfig, "networkPolicyConfig", "disabled");
  }

  /**
   * A logging or monitoring config that enables no component collects nothing. An {@code enableComponents} that is
   * not an array is an unreadable shape, not an empty list.
   */
  private static boolean hasNoComponents(JsonNode config) {
    if (!isMessage(config)) {
      return false;
    }
    JsonNode components = Json.path(config, "componentConfig", "enableComponents");
    return components == null || (components.isArray() && components.isEmpty());
  }

  /**
   * {@code evaluationMode} supersedes the deprecated {@code enabled} flag; when the mode is absent (or its proto3
   * default UNSPECIFIED), GKE falls back to {@code enabled}.
   */
  private static boolean disablesBinaryAuthorization(JsonNode config) {
    if (!isMessage(config)) {
      return false;
    }
    String mode = Json.text(config, "evaluationMode");
    if (mode == null || mode.isEmpty() || mode.equals("EVALUATION_MODE_UNSPECIFIED")) {
      return !Json.isTrue(config, "enabled");
    }
    return mode.equals("DISABLED");
  }

  /** Workload Identity is switched off by setting an empty workload pool, which proto3 logs as an absent one. */
  private static boolean clearsWorkloadPool(JsonNode config) {
    return isMessage(config) && !isNonEmpty(Json.text(config, "workloadPool"));
  }

  private static boolean isNone(String service) {
    return SERVICE_NONE.equals(service);
  }

  private static boolean isNonEmpty(String value) {
    return value != null && !value.isEmpty();
  }
}
