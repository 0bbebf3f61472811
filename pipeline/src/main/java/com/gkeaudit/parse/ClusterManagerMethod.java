package com.gkeaudit.parse;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises ClusterManager method names across API versions (v1, v1beta1, v1alpha1, any future vN[alpha|beta]M)
 * and the internal service Google uses for its own operations.
 */
public record ClusterManagerMethod(String method, String apiVersion) {
  public static final String SERVICE = "container.googleapis.com";
  public static final String INTERNAL = "internal";

  // Case-insensitive and trimmed: an exporter or a hand-edited file that changes the case or pads the name must not
  // turn a ClusterManager entry into another service's, silently.
  private static final Pattern PUBLIC =
      Pattern.compile(
          "google\\.container\\.(v\\d+(?:(?:alpha|beta)\\d*)?)\\.ClusterManager\\.([A-Za-z0-9_]+)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern INTERNAL_METHOD =
      Pattern.compile(
          "google\\.container\\.internal\\.ClusterManagerInternal\\.([A-Za-z0-9_]+)", Pattern.CASE_INSENSITIVE);

  /**
   * ClusterManager methods by their lower-case name, so that {@code updatemaster} is read as {@code UpdateMaster}
   * (rules compare method names exactly). Names not listed keep their logged spelling.
   */
  private static final Map<String, String> CANONICAL = new HashMap<>();

  static {
    for (String m :
        List.of(
            "CancelOperation", "CheckAutopilotCompatibility", "CompleteIPRotation", "CompleteNodePoolUpgrade",
            "CreateCluster", "CreateNodePool", "DeleteCluster", "DeleteNodePool", "FetchClusterUpgradeInfo",
            "FetchNodePoolUpgradeInfo", "GetCluster", "GetJSONWebKeys", "GetNodePool", "GetOperation",
            "GetServerConfig", "ListClusters", "ListNodePools", "ListOperations", "ListUsableSubnetworks",
            "RollbackNodePoolUpgrade", "SetAddonsConfig", "SetLabels", "SetLegacyAbac", "SetLocations",
            "SetLoggingService", "SetMaintenancePolicy", "SetMasterAuth", "SetMonitoringService",
            "SetNetworkPolicy", "SetNodePoolAutoscaling", "SetNodePoolManagement", "SetNodePoolSize",
            "StartIPRotation", "UpdateCluster", "UpdateMaster", "UpdateNodePool")) {
      CANONICAL.put(m.toLowerCase(Locale.ROOT), m);
    }
  }

  /** The normalised method, or null when {@code methodName} is not a ClusterManager method. */
  public static ClusterManagerMethod of(String methodName) {
    if (methodName == null) {
      return null;
    }
    String name = methodName.strip();
    Matcher publicMatch = PUBLIC.matcher(name);
    if (publicMatch.matches()) {
      return new ClusterManagerMethod(canonical(publicMatch.group(2)), publicMatch.group(1).toLowerCase(Locale.ROOT));
    }
    Matcher internalMatch = INTERNAL_METHOD.matcher(name);
    if (internalMatch.matches()) {
      return new ClusterManagerMethod(canonical(internalMatch.group(1)), INTERNAL);
    }
    return null;
  }

  /** Whether {@code serviceName} names the GKE API (trimmed, any case). */
  public static boolean isService(String serviceName) {
    return serviceName != null && serviceName.strip().equalsIgnoreCase(SERVICE);
  }

  private static String canonical(String method) {
    return CANONICAL.getOrDefault(method.toLowerCase(Locale.ROOT), method);
  }

  public boolean internal() {
    return INTERNAL.equals(apiVersion);
  }
}
