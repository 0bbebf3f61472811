package com.gkeaudit.io;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * The pipeline's own counters ({@link ParseRecords#METRICS_NAMESPACE}), by name, summed over steps.
 *
 * <p>Committed values where the runner has them: the DirectRunner folds a finished bundle's attempted values in on a
 * background thread, so right after {@code waitUntilFinish()} an attempted counter can still miss its last bundle
 * (the run summary then said "counts add up: NO"). A runner without committed metrics gives its attempted values.
 */
public final class PipelineCounters {
  private PipelineCounters() {}

  public static Map<String, Long> of(PipelineResult result) {
    Map<String, Long> out = new TreeMap<>();
    for (MetricResult<Long> counter : result.metrics().queryMetrics(MetricsFilter.builder().build()).getCounters()) {
      if (counter.getName().getNamespace().equals(ParseRecords.METRICS_NAMESPACE)) {
        out.merge(counter.getName().getName(), value(counter), Long::sum);
      }
    }
    return out;
  }

  public static long get(PipelineResult result, String name) {
    return of(result).getOrDefault(name, 0L);
  }

  private static long value(MetricResult<Long> counter) {
    try {
      Long committed = counter.getCommitted();
      return committed == null ? counter.getAttempted() : committed;
    } catch (UnsupportedOperationException committedNotSupported) {
      return counter.getAttempted();
    }
  }
}
