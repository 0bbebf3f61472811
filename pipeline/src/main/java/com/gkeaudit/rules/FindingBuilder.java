package com.gkeaudit.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Assembles a {@link Finding}. The id hashes only what identifies the detection (rule, cluster, principal, event
 * time, evidence and an optional discriminator), never processing time or arrival order, so every run over the same
 * entries yields the same ids.
 */
public final class FindingBuilder {
  private static final ObjectMapper DETAILS_MAPPER =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final Rule rule;
  private final RuleConfig config;
  private Severity severity;
  private ClusterEvent primary;
  private String projectId;
  private String location;
  private String clusterName;
  private String principal;
  private long eventTimeNanos;
  private Long windowStartNanos;
  private Long windowEndNanos;
  private final List<ClusterEvent> evidence = new ArrayList<>();
  private final Map<String, Object> details = new TreeMap<>();
  private String discriminator = "";
  private boolean alsoEscalated;
  private String description;
  private String remediation;

  private FindingBuilder(Rule rule, RuleConfig config) {
    this.rule = rule;
    this.config = config;
    this.severity = rule.baseSeverity();
  }

  public static FindingBuilder of(Rule rule, RuleConfig config) {
    return new FindingBuilder(rule, config);
  }

  /** The entry the finding is about: cluster, principal, caller, method, operation and time default to it. */
  public FindingBuilder primary(ClusterEvent event) {
    this.primary = event;
    this.projectId = event.projectId();
    this.location = event.location();
    this.clusterName = event.clusterName();
    this.principal = event.principal();
    this.eventTimeNanos = event.timeNanos();
    if (!evidence.contains(event)) {
      evidence.add(event);
    }
    return this;
  }

  /** Principal-keyed findings that span clusters carry no single cluster. */
  public FindingBuilder noCluster() {
    this.projectId = null;
    this.location = null;
    this.clusterName = null;
    return this;
  }

  public FindingBuilder principal(String principal) {
    this.principal = principal;
    return this;
  }

  public FindingBuilder eventTime(long nanos) {
    this.eventTimeNanos = nanos;
    return this;
  }

  public FindingBuilder window(long startNanos, long endNanos) {
    this.windowStartNanos = startNanos;
    this.windowEndNanos = endNanos;
    return this;
  }

  public FindingBuilder evidence(List<ClusterEvent> events) {
    for (ClusterEvent event : events) {
      if (!evidence.contains(event)) {
        evidence.add(event);
      }
    }
    return this;
  }

  public FindingBuilder baseSeverity(Severity base) {
    this.severity = base;
    return this;
  }

  public FindingBuilder detail(String key, Object value) {
    if (value != null) {
      details.put(key, value);
    }
    return this;
  }

  /**
   * Raises severity (once) also when a cluster involved that is not among the evidence qualifies: principal-keyed
   * findings whose evidence is one entry of many (docs/rules.md "any cluster involved").
   */
  public FindingBuilder alsoEscalatedBy(boolean anotherClusterQualifies) {
    this.alsoEscalated = anotherClusterQualifies;
    return this;
  }

  /** Distinguishes findings that share rule, entry and time (e.g. two controls switched off by one request). */
  public FindingBuilder discriminator(String value) {
    this.discriminator = value;
    return this;
  }

  public FindingBuilder description(String text) {
    this.description = text;
    return this;
  }

  public FindingBuilder remediation(String text) {
    this.remediation = text;
    return this;
  }

  public Finding build() {
    List<ClusterMetadata> clusters = new ArrayList<>();
    List<String> insertIds = new ArrayList<>();
    for (ClusterEvent event : evidence) {
      clusters.add(event.cluster());
      insertIds.add(event.insertId());
    }
    ClusterMetadata context = primary == null || clusterName == null ? null : primary.cluster();
    Severity escalated = severity.escalatedFor(clusters, config);
    if (alsoEscalated) {
      escalated = severity.raised();
    }
    return new Finding(
        findingId(insertIds),
        rule.id(),
        escalated.name(),
        rule.title(),
        description,
        remediation,
        eventTimeNanos,
        windowStartNanos,
        windowEndNanos,
        projectId,
        location,
        clusterName,
        principal,
        primary == null ? null : primary.callerIp(),
        primary == null ? null : primary.userAgent(),
        primary == null ? null : primary.method(),
        primary == null ? null : primary.operationId(),
        List.copyOf(insertIds),
        rule.riskCategories(),
        rule.mitreTechniques(),
        context == null ? null : context.label(config.environmentLabel()),
        context == null ? null : context.label("owner"),
        context == null ? null : context.label(config.criticalityLabel()),
        context == null ? null : context.releaseChannel(),
        context == null ? null : context.currentMasterVersion(),
        detailsJson(),
        System.currentTimeMillis(),
        null); // not suppressed: suppression is applied downstream of detection
  }

  private String detailsJson() {
    try {
      return DETAILS_MAPPER.writeValueAsString(details);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("details are plain values", e);
    }
  }

  private String findingId(List<String> insertIds) {
    List<String> sorted = new ArrayList<>(insertIds);
    sorted.sort(null);
    String identity =
        String.join(
            "\u0000",
            rule.id(),
            String.valueOf(projectId),
            String.valueOf(location),
            String.valueOf(clusterName),
            String.valueOf(principal),
            Long.toString(eventTimeNanos),
            String.join(",", sorted),
            discriminator);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** "gcloud ... CLUSTER --location LOCATION --project PROJECT" with the finding's cluster filled in. */
  static String forCluster(String template, ClusterEvent event) {
    return template
        .replace("CLUSTER", String.valueOf(event.clusterName()))
        .replace("LOCATION", String.valueOf(event.location()))
        .replace("PROJECT", String.valueOf(event.projectId()));
  }
}
