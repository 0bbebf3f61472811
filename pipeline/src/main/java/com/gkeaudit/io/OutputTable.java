package com.gkeaudit.io;

import com.google.api.services.bigquery.model.Clustering;
import com.google.api.services.bigquery.model.TableSchema;
import com.google.api.services.bigquery.model.TimePartitioning;
import java.util.List;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO.Write.Method;

/**
 * The three BigQuery tables: schema file, day partitioning on the event date, clustering and delivery guarantee. The
 * pipeline's sink and the setup tool both read the layout from here.
 */
public enum OutputTable {
  /**
   * Exactly once ({@code STORAGE_WRITE_API}): findings page responders and feed counts on the dashboard, so a retried
   * bundle must not show up twice. Findings are few, so the cost of exactly-once (buffered streams committed per
   * bundle, and a triggering frequency in a stream) does not matter.
   */
  FINDINGS(
      "findings",
      "event_time",
      List.of("project_id", "cluster_name", "rule_id"),
      Method.STORAGE_WRITE_API,
      "GKE control-plane audit findings: one row per detected risky change pattern, with remediation."),
  /**
   * At least once ({@code STORAGE_API_AT_LEAST_ONCE}): events are the volume table (every ClusterManager entry), and
   * the default stream is cheaper and needs no commit step. A rare duplicate row is harmless: each row carries its
   * LogEntry identity ({@code log_name}, {@code insert_id}, {@code event_time}) and the views deduplicate on it.
   */
  EVENTS(
      "events",
      "event_time",
      List.of("project_id", "cluster_name", "method"),
      Method.STORAGE_API_AT_LEAST_ONCE,
      "Enriched GKE ClusterManager audit entries (requests with secrets redacted)."),
  /**
   * At least once: dead letters are for a person to inspect and replay; a duplicated one costs nothing, and the
   * cheaper stream keeps the error path simple. Partitioned on the failure time: a rejected record may have no event
   * time at all.
   */
  DEAD_LETTER(
      "deadletter",
      "failed_at",
      List.of("reason", "source"),
      Method.STORAGE_API_AT_LEAST_ONCE,
      "Input records that did not become audit entries, and rows BigQuery rejected, with the reason.");

  private final String schemaName;
  private final String partitionField;
  private final List<String> clusteringFields;
  private final Method method;
  private final String description;

  OutputTable(
      String schemaName, String partitionField, List<String> clusteringFields, Method method, String description) {
    this.schemaName = schemaName;
    this.partitionField = partitionField;
    this.clusteringFields = clusteringFields;
    this.method = method;
    this.description = description;
  }

  /** The schema file's name without {@code .json}; also the table's name in the setup tool's dataset. */
  public String schemaName() {
    return schemaName;
  }

  public String partitionField() {
    return partitionField;
  }

  public List<String> clusteringFields() {
    return clusteringFields;
  }

  public Method method() {
    return method;
  }

  public String description() {
    return description;
  }

  public TableSchema schema() {
    return TableSchemas.load(schemaName);
  }

  public TimePartitioning timePartitioning() {
    return new TimePartitioning().setType("DAY").setField(partitionField);
  }

  public Clustering clustering() {
    return new Clustering().setFields(clusteringFields);
  }
}
