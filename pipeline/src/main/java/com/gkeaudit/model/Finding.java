package com.gkeaudit.model;

import java.util.List;

/**
 * One detection, field for field the row of docs/output.md (times as epoch nanoseconds until they are written).
 * {@code suppressedBy} is the reason of the suppression entry that matched it (docs/alerts-and-suppressions.md), null
 * when none did: it is decided after detection, so it is not part of {@code findingId}.
 */
public record Finding(
    String findingId,
    String ruleId,
    String severity,
    String title,
    String description,
    String remediation,
    long eventTimeNanos,
    Long windowStartNanos,
    Long windowEndNanos,
    String projectId,
    String location,
    String clusterName,
    String principal,
    String callerIp,
    String userAgent,
    String method,
    String operationId,
    List<String> evidenceInsertIds,
    List<String> riskCategories,
    List<String> mitreTechniques,
    String environment,
    String owner,
    String criticality,
    String releaseChannel,
    String masterVersion,
    String detailsJson,
    long detectedAtMillis,
    String suppressedBy) {

  public boolean suppressed() {
    return suppressedBy != null;
  }

  /** The same finding, suppressed by an entry with this reason. */
  public Finding withSuppressedBy(String reason) {
    return new Finding(findingId, ruleId, severity, title, description, remediation, eventTimeNanos,
        windowStartNanos, windowEndNanos, projectId, location, clusterName, principal, callerIp, userAgent, method,
        operationId, evidenceInsertIds, riskCategories, mitreTechniques, environment, owner, criticality,
        releaseChannel, masterVersion, detailsJson, detectedAtMillis, reason);
  }
}
