package com.gkeaudit;

import com.gkeaudit.io.PipelineCounters;
import com.gkeaudit.options.GkeAuditOptions;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;

/** The local run's readable summary, from the pipeline's Beam metrics. */
final class RunSummary {
  private final Map<String, Long> counters;
  private final GkeAuditOptions options;
  private final long elapsedMillis;

  private RunSummary(Map<String, Long> counters, GkeAuditOptions options, long elapsedMillis) {
    this.counters = counters;
    this.options = options;
    this.elapsedMillis = elapsedMillis;
  }

  static RunSummary of(PipelineResult result, GkeAuditOptions options, long elapsedMillis) {
    return new RunSummary(PipelineCounters.of(result), options, elapsedMillis);
  }

  long get(String name) {
    return counters.getOrDefault(name, 0L);
  }

  String render() {
    long read = get("records_read");
    long empty = get("records_empty");
    long other = get("records_other_service");
    long clusterManager = get("records_cluster_manager");
    long dead = get("records_dead_letter");
    long duplicates = get("records_duplicate");
    long events = get("events");
    boolean balanced = read == empty + other + clusterManager + dead && clusterManager == events + duplicates;
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%nGKE control-plane audit: %s %.1f s%n",
            GkeAuditPipeline.isStreaming(options) ? "stream stopped after" : "finished in",
            elapsedMillis / 1000.0));
    line(out, "records read", read);
    line(out, "  ClusterManager entries", clusterManager);
    line(out, "  other services (dropped)", other);
    line(out, "  empty lines (skipped)", empty);
    line(out, "  dead-lettered", dead);
    counters.forEach(
        (name, value) -> {
          if (name.startsWith("dead_letter.")) {
            line(out, "    " + name.substring("dead_letter.".length()), value);
          }
        });
    counters.forEach(
        (name, value) -> {
          if (name.startsWith("stream_timestamp_from_")) {
            line(out, "  event time from " + name.substring("stream_timestamp_from_".length()), value);
          }
        });
    if (get("records_late") > 0) {
      line(out, "  late for the stateful rules (still events; dead-lettered 'late')", get("records_late"));
    }
    line(out, "duplicates dropped", duplicates);
    line(out, "events (unique ClusterManager entries)", events);
    if (get("metadata_clusters") > 0 || get("metadata_dead_letter") > 0) {
      line(out, "clusters in metadata", get("metadata_clusters"));
      if (get("metadata_dead_letter") > 0) {
        line(out, "  unusable metadata lines (dead-lettered)", get("metadata_dead_letter"));
      }
      if (get("metadata_policy_unusable") > 0) {
        line(out, "  maintenance policies not checked (warned)", get("metadata_policy_unusable"));
      }
    }
    line(out, "findings", get("findings"));
    counters.forEach(
        (name, value) -> {
          if (name.startsWith("findings.")) {
            String[] parts = name.split("\\.");
            line(out, String.format("  %-28s %s", parts[1], parts[2]), value);
          }
        });
    out.append(
        String.format(
            "counts add up: %s (read = ClusterManager + other + empty + dead-lettered; ClusterManager = events + "
                + "duplicates)%n",
            balanced ? "yes" : "NO"));
    counters.forEach(
        (name, value) -> {
          if (name.startsWith("sink_rejected.")) {
            line(out, "rejected by BigQuery, dead-lettered: " + name.substring("sink_rejected.".length()), value);
          }
        });
    if (get("deadletter_table_rejected") > 0) {
      line(out, "rejected by the dead-letter table, logged", get("deadletter_table_rejected"));
    }
    if (options.getOutputDir() != null && !options.getOutputDir().isBlank()) {
      out.append(String.format("output: %s/{findings,events,deadletter}/%n", options.getOutputDir()));
    }
    for (String table : new String[] {options.getFindingsTable(), options.getEventsTable(), options.getDeadLetterTable()}) {
      if (table != null && !table.isBlank()) {
        out.append(String.format("output: BigQuery %s%n", table));
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String label, long value) {
    out.append(String.format(Locale.ROOT, "  %-40s %,10d%n", label, value));
  }
}
