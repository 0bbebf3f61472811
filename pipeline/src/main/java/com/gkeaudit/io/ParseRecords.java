package com.gkeaudit.io;

import java.nio.charset.StandardCharsets;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Times;
import com.gkeaudit.parse.LogEntryParser;
import com.gkeaudit.parse.ParseOutcome;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Routes each record through the parser to exactly one outcome and counts it. Shared by every source (export files,
 * Pub/Sub), so the docs/output.md accounting is the same whatever the input. Also tracks the highest event time of any
 * LogEntry seen, the input's event-time clock (docs/rules.md end of input).
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
  /** Which field gave each stream entry its event time (docs/streaming.md: the attribute, else the entry's timestamp). */
  private static final java.util.Map<String, Counter> TIMESTAMP_SOURCES = new java.util.concurrent.ConcurrentHashMap<>();

  private long maxEventNanos = Long.MIN_VALUE;
  // Counted here and added to the metrics per bundle: a metric update per record costs more than parsing one.
  private long read;
  private long empty;
  private long otherService;

  /** Parses one record of an export file and emits its outcome, stamped with its event time; returns its kind. */
  ParseOutcome.Kind accept(
      byte[] buf, int offset, int length, String source, long lineNumber, MultiOutputReceiver out) {
    return route(LogEntryParser.parse(buf, offset, length, source), buf, offset, length, source, lineNumber, out, true);
  }

  /**
   * Parses one stream entry (a Pub/Sub message, or a line of a watched file) and emits its outcome. The element keeps
   * the timestamp its source gave it: a runner does not let an element move back in time. Nothing is late here
   * (docs/streaming.md: a late entry is still an event): the stateful rules judge lateness against what they have released
   * ({@code OrderedRuleFn}), and dead-letter what they missed.
   * A line over the size cap (only its prefix was kept) becomes a "too-large" dead letter, as in a file read once.
   */
  ParseOutcome.Kind accept(StreamEntry entry, String source, MultiOutputReceiver out) {
    byte[] data = entry.data();
    Long lineNumber = entry.lineNumber() > 0 ? entry.lineNumber() : null;
    if (entry.isReadFailure()) {
      read++; // the unread rest of a file is a record read and dead-lettered, so the counts add up
      deadLetter(
          out, DeadLetter.UNREADABLE, new String(data, StandardCharsets.UTF_8), source, null, data, 0, data.length,
          data.length);
      return ParseOutcome.Kind.DEAD_LETTER;
    }
    if (entry.oversized()) {
      read++;
      deadLetter(
          out, DeadLetter.TOO_LARGE,
          "record of " + entry.fullLength() + " bytes exceeds the " + ReadAuditExports.MAX_RECORD_BYTES + "-byte cap",
          source, lineNumber, data, 0, data.length, entry.fullLength());
      return ParseOutcome.Kind.DEAD_LETTER;
    }
    ParseOutcome outcome = LogEntryParser.parse(data, 0, data.length, source);
    TIMESTAMP_SOURCES.computeIfAbsent(
            entry.timestampSource(), s -> Metrics.counter(METRICS_NAMESPACE, "stream_timestamp_from_" + s))
        .inc();
    return route(outcome, data, 0, data.length, source, lineNumber, out, false);
  }

  private ParseOutcome.Kind route(
      ParseOutcome outcome, byte[] buf, int offset, int length, String source, Long lineNumber,
      MultiOutputReceiver out, boolean stampEventTime) {
    read++;
    switch (outcome.kind()) {
      case EMPTY -> empty++;
      case OTHER_SERVICE -> otherService++;
      case CLUSTER_MANAGER -> {
        CLUSTER_MANAGER.inc();
        if (stampEventTime) {
          out.get(EVENTS).outputWithTimestamp(outcome.event(), Times.toJoda(outcome.timeNanos()));
        } else {
          out.get(EVENTS).output(outcome.event());
        }
      }
      case DEAD_LETTER -> deadLetter(
          out, outcome.reason(), outcome.error(), source, lineNumber, buf, offset, length, length);
    }
    trackClock(outcome);
    return outcome.kind();
  }

  private void trackClock(ParseOutcome outcome) {
    if (outcome.isLogEntry() && outcome.timeNanos() > maxEventNanos) {
      maxEventNanos = outcome.timeNanos();
    }
  }

  void oversized(
      byte[] prefix, int prefixLength, long fullLength, int cap, String source, long lineNumber,
      MultiOutputReceiver out) {
    read++;
    deadLetter(
        out, DeadLetter.TOO_LARGE, "record of " + fullLength + " bytes exceeds the " + cap + "-byte cap", source,
        lineNumber, prefix, 0, prefixLength, fullLength);
  }

  /** The unread rest of a file that could not be read to its end: one record read, dead-lettered. */
  void unreadable(String error, String source, long lineNumber, byte[] what, MultiOutputReceiver out) {
    read++;
    deadLetter(out, DeadLetter.UNREADABLE, error, source, lineNumber, what, 0, what.length, what.length);
  }

  static void deadLetter(
      MultiOutputReceiver out, String reason, String error, String source, Long lineNumber, byte[] raw, int offset,
      int length, long fullLength) {
    DEAD_LETTERED.inc();
    Metrics.counter(METRICS_NAMESPACE, "dead_letter." + reason).inc();
    out.get(DEAD_LETTERS).output(DeadLetter.of(reason, error, source, lineNumber, raw, offset, length, fullLength, null));
  }

  /** Adds the bundle's counts to the metrics and emits its clock reading, if it saw a LogEntry. */
  void finishBundle(DoFn<?, ?>.FinishBundleContext context) {
    READ.inc(read);
    EMPTY.inc(empty);
    OTHER_SERVICE.inc(otherService);
    read = 0;
    empty = 0;
    otherService = 0;
    if (maxEventNanos != Long.MIN_VALUE) {
      context.output(CLOCK, maxEventNanos, Times.toJoda(maxEventNanos), GlobalWindow.INSTANCE);
      maxEventNanos = Long.MIN_VALUE;
    }
  }
}
