package com.gkeaudit.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.services.bigquery.model.TableRow;
import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The output rows, field for field as {@code schemas/findings.json}, {@code schemas/events.json} and
 * {@code schemas/deadletter.json} describe them; NDJSON files and BigQuery get the same rows.
 */
public final class Rows {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Rows() {}

  public static ObjectNode finding(Finding f) {
    ObjectNode row = MAPPER.createObjectNode();
    row.put("finding_id", f.findingId());
    row.put("rule_id", f.ruleId());
    row.put("severity", f.severity());
    row.put("title", f.title());
    row.put("description", f.description());
    row.put("remediation", f.remediation());
    row.put("event_time", Times.format(f.eventTimeNanos()));
    putTime(row, "window_start", f.windowStartNanos());
    putTime(row, "window_end", f.windowEndNanos());
    row.put("project_id", f.projectId());
    row.put("location", f.location());
    row.put("cluster_name", f.clusterName());
    row.put("principal", f.principal());
    row.put("caller_ip", f.callerIp());
    row.put("user_agent", f.userAgent());
    row.put("method", f.method());
    row.put("operation_id", f.operationId());
    putList(row, "evidence_insert_ids", f.evidenceInsertIds());
    putList(row, "risk_categories", f.riskCategories());
    putList(row, "mitre_techniques", f.mitreTechniques());
    row.put("environment", f.environment());
    row.put("owner", f.owner());
    row.put("criticality", f.criticality());
    row.put("release_channel", f.releaseChannel());
    row.put("master_version", f.masterVersion());
    row.put("details", f.detailsJson());
    row.put("detected_at", Times.format(f.detectedAtMillis() * Times.NANOS_PER_MILLI));
    // Always written (false when no entry matched) so a query need not tell "not suppressed" from "older row".
    row.put("suppressed", f.suppressed());
    row.put("suppressed_by", f.suppressedBy());
    return row;
  }

  public static ObjectNode event(ClusterEvent e, String environmentLabel, String criticalityLabel) {
    ObjectNode row = MAPPER.createObjectNode();
    row.put("insert_id", e.insertId());
    row.put("log_name", e.logName());
    row.put("log_type", e.logType());
    row.put("event_time", Times.format(e.timeNanos()));
    putTime(row, "receive_time", e.receiveTimeNanos());
    row.put("severity", e.severity());
    row.put("method_name", e.methodName());
    row.put("method", e.method());
    row.put("api_version", e.apiVersion());
    row.put("resource_type", e.resourceType());
    row.put("resource_name", e.resourceName());
    row.put("project_id", e.projectId());
    row.put("location", e.location());
    row.put("cluster_name", e.clusterName());
    row.put("nodepool_name", e.nodepoolName());
    row.put("principal", e.principal());
    putList(row, "delegation_chain", e.delegationChain());
    row.put("initiator", e.initiator());
    row.put("caller_ip", e.callerIp());
    row.put("user_agent", e.userAgent());
    row.put("operation_id", e.operationId());
    row.put("operation_producer", e.operationProducer());
    row.put("operation_first", e.operationFirst());
    row.put("operation_last", e.operationLast());
    row.put("status_code", e.statusCode());
    row.put("status_message", e.statusMessage());
    row.put("request", e.requestJson());
    row.put("request_truncated", e.requestTruncated());
    row.put("requested_master_version", e.requestedMasterVersion());
    row.put("rotate_credentials", e.rotateCredentials());
    putList(row, "weakened_controls", e.weakenedControls());
    row.put("successful_change", e.successfulChange());
    row.put("denied_call", e.deniedCall());
    row.put("source", e.source());
    ClusterMetadata cluster = e.cluster();
    row.put("environment", cluster == null ? null : cluster.label(environmentLabel));
    row.put("owner", cluster == null ? null : cluster.label("owner"));
    row.put("criticality", cluster == null ? null : cluster.label(criticalityLabel));
    row.put("release_channel", cluster == null ? null : cluster.releaseChannel());
    row.put("master_version", cluster == null ? null : cluster.currentMasterVersion());
    return row;
  }

  public static ObjectNode deadLetter(DeadLetter d) {
    ObjectNode row = MAPPER.createObjectNode();
    row.put("reason", d.reason());
    row.put("error_message", d.error());
    row.put("source", d.source());
    row.put("line_number", d.lineNumber());
    row.put("raw_record", d.rawRecord());
    row.put("raw_record_base64", d.rawRecordBase64());
    row.put("raw_size_bytes", d.rawSizeBytes());
    row.put("truncated", d.truncated());
    putTime(row, "event_time", d.eventTimeNanos());
    row.put("failed_at", Times.format(d.failedAtMillis() * Times.NANOS_PER_MILLI));
    return row;
  }

  private static void putTime(ObjectNode row, String field, Long nanos) {
    if (nanos == null) {
      row.putNull(field);
    } else {
      row.put(field, Times.format(nanos));
    }
  }

  private static void putList(ObjectNode row, String field, List<String> values) {
    ArrayNode array = row.putArray(field);
    if (values != null) {
      values.forEach(array::add);
    }
  }

  /**
   * The same row as a BigQuery {@link TableRow}: REPEATED fields become lists, TIMESTAMPs stay RFC 3339 strings
   * (BigQuery parses them), nulls are left out (an absent NULLABLE field is NULL).
   */
  public static TableRow tableRow(ObjectNode row) {
    TableRow tableRow = new TableRow();
    for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isNull()) {
        tableRow.set(field.getKey(), value(field.getValue()));
      }
    }
    return tableRow;
  }

  private static Object value(JsonNode node) {
    if (node.isArray()) {
      List<Object> values = new ArrayList<>();
      node.forEach(item -> values.add(value(item)));
      return values;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    return node.isTextual() ? node.textValue() : node.toString();
  }

  /** For tests and tools: a row back from its NDJSON text. */
  public static JsonNode parse(String ndjsonLine) throws java.io.IOException {
    return MAPPER.readTree(ndjsonLine);
  }
}
