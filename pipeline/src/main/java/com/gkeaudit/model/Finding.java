package com.gkeaudit.model;

import java.util.List;

/** One detection, field for field the row of docs/output.md (times as epoch nanoseconds until they are written). */
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
    long detectedAtMillis) {}
