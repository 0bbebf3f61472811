package com.gkeaudit.model;

import java.util.Map;

/**
 * A cluster as Cloud Asset Inventory last described it ({@code updateTimeNanos}): labels, release channel, master
 * version, maintenance policy, endpoint and security settings.
 *
 * @param security the control-plane security settings in effect, by control name (e.g. {@code legacy_abac ->
 *     disabled}); informational context for responders
 */
public record ClusterMetadata(
    String projectId,
    String location,
    String clusterName,
    Map<String, String> labels,
    String releaseChannel,
    String currentMasterVersion,
    Long updateTimeNanos,
    MaintenancePolicy maintenancePolicy,
    String endpoint,
    String status,
    Map<String, String> security) {

  public String label(String key) {
    return labels == null || key == null ? null : labels.get(key);
  }
}
