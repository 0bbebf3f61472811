package com.gkeaudit.io;

import com.gkeaudit.parse.MaintenancePolicyJson;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.MaintenancePolicy;
import com.gkeaudit.model.Times;
import com.gkeaudit.parse.Json;
import com.gkeaudit.model.Redactor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.beam.sdk.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one line of a Cloud Asset Inventory export of {@code container.googleapis.com/Cluster} assets. Export files
 * use snake_case keys ({@code asset_type}, {@code update_time}); feeds and API JSON use camelCase: both are accepted.
 */
public final class ClusterMetadataParser {
  public static final String CLUSTER_ASSET_TYPE = "container.googleapis.com/Cluster";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMetadataParser.class);
  private static final Pattern ASSET_NAME =
      Pattern.compile("//container\\.googleapis\\.com/projects/([^/]+)/(?:locations|zones)/([^/]+)/clusters/([^/]+)");

  private ClusterMetadataParser() {}

  /** Thrown for a line that is not a usable cluster asset; the message says why. */
  public static final class InvalidAssetException extends Exception {
    private final String reason;

    InvalidAssetException(String message) {
      this(DeadLetter.BAD_METADATA, message);
    }

    InvalidAssetException(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** The dead-letter reason: {@link DeadLetter#BAD_METADATA}, or {@link DeadLetter#BAD_TIMESTAMP}. */
    public String reason() {
      return reason;
    }
  }

  /**
   * Counts and logs a cluster whose maintenance policy cannot be checked (an RRULE lib-recur rejects, a daily window
   * longer than a day, ...): the cluster's other metadata is still used, but outside-maintenance-window is off for it,
   * and that must not be silent. The summary prints the count.
   */
  public static void reportUnusablePolicy(ClusterMetadata metadata, String source) {
    MaintenancePolicy policy = metadata.maintenancePolicy();
    if (policy != null && policy.problem() != null) {
      Metrics.counter(ParseRecords.METRICS_NAMESPACE, "metadata_policy_unusable").inc();
      LOG.warn(
          "cluster {} in {}: maintenance policy not checked, outside-maintenance-window is off for it: {}",
          clusterKey(metadata), source, Redactor.redact(policy.problem()));
    }
  }

  /** The cluster described by {@code line}, or null for a blank line or an asset of another type. */
  public static ClusterMetadata parse(String line) throws InvalidAssetException {
    if (line == null || line.isBlank()) {
      return null;
    }
    JsonNode asset;
    try {
      asset = MAPPER.readTree(line);
    } catch (IOException e) {
      throw new InvalidAssetException(
          "not JSON: " + Redactor.jacksonMessage(String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
    }
    if (asset == null || !asset.isObject()) {
      throw new InvalidAssetException("not a JSON object");
    }
    String assetType = Json.text(asset, "assetType");
    if (assetType != null && !assetType.equals(CLUSTER_ASSET_TYPE)) {
      return null;
    }
    String name = Json.text(asset, "name");
    Matcher matcher = name == null ? null : ASSET_NAME.matcher(name);
    if (matcher == null || !matcher.matches()) {
      throw new InvalidAssetException("asset name is not a GKE cluster: " + name);
    }
    JsonNode data = Json.path(asset, "resource", "data");
    // A time outside the accepted range once wrapped, and a 1677 description won over a 2026 one.
    String updateTime = Json.text(asset, "updateTime");
    Long updateTimeNanos = Times.parseRfc3339(updateTime);
    if (updateTime != null && updateTimeNanos == null) {
      throw new InvalidAssetException(DeadLetter.BAD_TIMESTAMP, "update_time: " + Times.problem(updateTime));
    }
    return new ClusterMetadata(
        matcher.group(1),
        matcher.group(2),
        matcher.group(3),
        stringMap(Json.field(data, "resourceLabels")),
        Json.text(data, "releaseChannel", "channel"),
        Json.text(data, "currentMasterVersion"),
        updateTimeNanos,
        MaintenancePolicyJson.read(Json.field(data, "maintenancePolicy")),
        Json.text(data, "endpoint"),
        Json.text(data, "status"),
        security(data));
  }

  public static String clusterKey(ClusterMetadata metadata) {
    return ClusterEvent.clusterKey(metadata.projectId(), metadata.location(), metadata.clusterName());
  }

  /** The posture a responder wants next to a finding, with proto3's omitted false values read as false. */
  private static Map<String, String> security(JsonNode data) {
    Map<String, String> out = new TreeMap<>();
    if (data == null) {
      return out;
    }
    out.put("legacy_abac", onOff(Json.isTrue(data, "legacyAbac", "enabled")));
    out.put("authorized_networks", onOff(Json.isTrue(data, "masterAuthorizedNetworksConfig", "enabled")));
    out.put("network_policy", onOff(Json.isTrue(data, "networkPolicy", "enabled")));
    out.put("private_endpoint", onOff(Json.isTrue(data, "privateClusterConfig", "enablePrivateEndpoint")));
    out.put("private_nodes", onOff(Json.isTrue(data, "privateClusterConfig", "enablePrivateNodes")));
    out.put("shielded_nodes", onOff(Json.isTrue(data, "shieldedNodes", "enabled")));
    String pool = Json.text(data, "workloadIdentityConfig", "workloadPool");
    out.put("workload_identity", pool == null || pool.isEmpty() ? "disabled" : pool);
    String binauthz = Json.text(data, "binaryAuthorization", "evaluationMode");
    out.put(
        "binary_authorization",
        binauthz != null ? binauthz : onOff(Json.isTrue(data, "binaryAuthorization", "enabled")));
    return out;
  }

  private static String onOff(boolean enabled) {
    return enabled ? "enabled" : "disabled";
  }

  private static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    if (node != null && node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (entry.getValue().isValueNode()) {
          out.put(entry.getKey(), entry.getValue().asText());
        }
      }
    }
    return out;
  }
}
