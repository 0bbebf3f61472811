package com.gkeaudit.io;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Times;
import com.gkeaudit.parse.LogEntryParser;
import com.gkeaudit.parse.ParseOutcome;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Routes each record through the parser to exactly one outcome and counts it. Shared by every source (export files,
 * Pub/Sub), so the SPEC §7 accounting is the same whatever the input. Also tracks the highest event time of any
 * LogEntry seen, the input's event-time clock (SPEC §4 end of input).
 */
public final class ParseRecords {
  public static final String METRICS_NAMESPACE = "gkeaudit";

  public static final TupleTag<ClusterEvent> EVENTS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};
  /** Highest event time (epoch nanos) among the LogEntries of a bundle. */
  public static final TupleTag<Long> CLOCK = new TupleTag<>() {};

  static final Counter READ = Metrics.counter(METRICS_NAMESPACE, "records_read");
  static final Counter EMPTY = Metrics.counter(METRICS_NAMESPACE, "records_empty");
  static final Counter OTHER_SERVICE = Metrics.counter(METRICS_NAMESPACE, "records_other_service");
  static final Counter CLUSTER_MANAGER = Metrics.counter(METRICS_NAMESPACE, "records_cluster_manager");
  static final Counter DEAD_LETTERED = Metrics.counter(METRICS_NAMESPACE, "records_dead_letter");

  private long maxEventNanos = Long.MIN_VALUE;
  // Counted here and added to the metrics per bundle: a metric update per record costs more than parsing one.
  private long read;
  private long empty;
  private long otherService;

  /** Parses one record and emits its outcome; returns the outcome's kind. */
  ParseOutcome.Kind accept(
      byte[] buf, int offset, int length, String source, long lineNumber, MultiOutputReceiver out) {
    read++;
    ParseOutcome outcome = LogEntryParser.parse(buf, offset, length, source);
    switch (outcome.kind()) {
      case EMPTY -> empty++;
      case OTHER_SERVICE -> otherService++;
      case CLUSTER_MANAGER -> {
        CLUSTER_MANAGER.inc();
        out.get(EVENTS).outputWithTimestamp(outcome.event(), Times.toJoda(outcome.timeNanos()));
      }
      case DEAD_LETTER -> deadLetter(
          out, outcome.reason(), outcome.error(), source, lineNumber, buf, offset, length, length);
    }
    if (outcome.isLogEntry() && outcome.timeNanos() > maxEventNanos) {
      maxEventNanos = outcome.timeNanos();
    }
    return outcome.kind();
  }

  void oversized(
      byte[] prefix, int prefixLength, long fullLength, int cap, String source, long lineNumber,
      MultiOutputReceiver out) {
    read++;
    deadLetter(
        out, DeadLetter.TOO_LARGE, "record of " + fullLength + " bytes exceeds the " + cap + "-byte cap", source,
        lineNumber, prefix, 0, prefixLength, fullLength);
  }

  static void deadLetter(
      MultiOutputReceiver out, String reason, String error, String source, Long lineNumber, byte[] raw, int offset,
      int length, long fullLength) {
    DEAD_LETTERED.inc();
    Metrics.counter(METRICS_NAMESPACE, "dead_letter." + reason).inc();
    out.get(DEAD_LETTERS).output(DeadLetter.of(reason, error, source, lineNumber, raw, offset, length, fullLength, null));
  }

  /** Adds this bundle's counts to the metrics. */
  void flushCounts() {
    READ.inc(read);
    EMPTY.inc(empty);
    OTHER_SERVICE.inc(otherService);
    read = 0;
    empty = 0;
    otherService = 0;
  }

  /** The clock reading (epoch nanos) since the last call, or null when no LogEntry was seen; resets it. */
  Long takeClock() {
    if (maxEventNanos == Long.MIN_VALUE) {
      return null;
    }
    long clock = maxEventNanos;
    maxEventNanos = Long.MIN_VALUE;
    return clock;
  }
}
