package com.gkeaudit.model;

import java.util.List;
import java.util.Set;

/**
 * One ClusterManager audit entry, normalised across API versions, with the request facts the rules read. The request
 * itself is kept only in scrubbed form ({@code requestJson}); secrets never reach this record.
 *
 * @param method the normalised method: {@code <M>} of {@code google.container.<version>.ClusterManager.<M>} or of
 *     {@code google.container.internal.ClusterManagerInternal.<M>}
 * @param initiator {@link #USER}, {@link #AUTOMATION}, {@link #GOOGLE}, or {@link #UNKNOWN} (an operation's last entry
 *     carries no authentication info)
 * @param requestTruncated the request was larger than the parser keeps: {@code requestJson} is a redacted excerpt
 * @param cluster cluster metadata joined by the enrichment step; null before it or when the cluster is unknown
 */
public record ClusterEvent(
    String insertId,
    String logName,
    String logType,
    long timeNanos,
    Long receiveTimeNanos,
    String severity,
    String methodName,
    String method,
    String apiVersion,
    String resourceType,
    String resourceName,
    String projectId,
    String location,
    String clusterName,
    String nodepoolName,
    String principal,
    List<String> delegationChain,
    String initiator,
    String callerIp,
    String userAgent,
    String operationId,
    String operationProducer,
    boolean operationFirst,
    boolean operationLast,
    int statusCode,
    String statusMessage,
    String requestJson,
    boolean requestTruncated,
    String requestedMasterVersion,
    Boolean rotateCredentials,
    List<String> weakenedControls,
    String source,
    ClusterMetadata cluster) {

  public static final String USER = "USER";
  public static final String AUTOMATION = "AUTOMATION";
  public static final String GOOGLE = "GOOGLE";
  public static final String UNKNOWN = "UNKNOWN";

  /** docs/rules.md change methods (on a gke_cluster resource). */
  public static final Set<String> CHANGE_METHODS =
      Set.of(
          "UpdateMaster",
          "UpdateCluster",
          "StartIPRotation",
          "CompleteIPRotation",
          "SetMasterAuth",
          "SetLegacyAbac",
          "SetNetworkPolicy",
          "SetLoggingService",
          "SetMonitoringService",
          "SetMaintenancePolicy",
          "SetAddonsConfig",
          "SetLocations",
          "SetLabels");

  public ClusterEvent withCluster(ClusterMetadata metadata) {
    return new ClusterEvent(
        insertId, logName, logType, timeNanos, receiveTimeNanos, severity, methodName, method, apiVersion,
        resourceType, resourceName, projectId, location, clusterName, nodepoolName, principal, delegationChain,
        initiator, callerIp, userAgent, operationId, operationProducer, operationFirst, operationLast, statusCode,
        statusMessage, requestJson, requestTruncated, requestedMasterVersion, rotateCredentials, weakenedControls,
        source, metadata);
  }

  /**
   * This event with a request too large to keep whole ({@code LogEntryParser.MAX_TREE_BYTES}): {@code requestJson}
   * becomes the redacted excerpt (text, not JSON) and the facts read from the request are unknown.
   */
  public ClusterEvent withTruncatedRequest(String excerpt) {
    return new ClusterEvent(
        insertId, logName, logType, timeNanos, receiveTimeNanos, severity, methodName, method, apiVersion,
        resourceType, resourceName, projectId, location, clusterName, nodepoolName, principal, delegationChain,
        initiator, callerIp, userAgent, operationId, operationProducer, operationFirst, operationLast, statusCode,
        statusMessage, excerpt, true, null, null, List.of(), source, cluster);
  }

  /** "project/location/cluster": the key of cluster-scoped rules. */
  public String clusterKey() {
    return clusterKey(projectId, location, clusterName);
  }

  public static String clusterKey(String projectId, String location, String clusterName) {
    return nullToEmpty(projectId) + "/" + nullToEmpty(location) + "/" + nullToEmpty(clusterName);
  }

  /** The key under which duplicates are one entry (docs/rules.md). */
  public String dedupeKey() {
    return logName + "\n" + insertId + "\n" + timeNanos;
  }

  public boolean changeMethodOnCluster() {
    return CHANGE_METHODS.contains(method) && "gke_cluster".equals(resourceType);
  }

  /** The entry that carries principal, caller and request: the first of an operation, or a synchronous call. */
  public boolean requestBearing() {
    return operationId == null || operationFirst;
  }

  public boolean byUserOrAutomation() {
    return USER.equals(initiator) || AUTOMATION.equals(initiator);
  }

  /** docs/rules.md successful change: counted once per operation, at the request-bearing entry. */
  public boolean successfulChange() {
    return changeMethodOnCluster() && byUserOrAutomation() && requestBearing() && statusCode == 0;
  }

  /** docs/rules.md denied call: PERMISSION_DENIED or UNAUTHENTICATED, not initiated by Google. */
  public boolean deniedCall() {
    return (statusCode == 7 || statusCode == 16) && !GOOGLE.equals(initiator);
  }

  public boolean googleInitiated() {
    return GOOGLE.equals(initiator);
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
