package com.gkeaudit;

import com.gkeaudit.io.StreamDrain;
import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.rules.RuleConfig;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Duration;
import sun.misc.Signal;

/**
 * A stream on the DirectRunner: runs until a signal, printing progress. The first SIGINT (Ctrl-C) or SIGTERM drains:
 * the readers stop reading and move their watermark to the end ({@link StreamDrain}), so the runner fires every
 * pending timer, flushes every output, acknowledges what was read, and finishes; then the summary is printed and the
 * exit code is 0. A second signal, or a drain that does not finish within {@link #DRAIN_TIMEOUT}, cancels instead
 * (state still held is lost; its messages were not all acknowledged and come back to the next job), exit code 1.
 */
final class LocalStream {
  private static final long PROGRESS_EVERY_MILLIS = 15_000;
  private static final Duration POLL = Duration.standardSeconds(1);
  /** Long enough for a drain of a loaded laptop's backlog (the rules release everything they hold at once). */
  static final Duration DRAIN_TIMEOUT = Duration.standardMinutes(5);

  private LocalStream() {}

  static int runUntilInterrupted(PipelineResult result, GkeAuditOptions options, long startedNanos) {
    String input = options.getInputSubscription() != null ? options.getInputSubscription() : options.getInputFiles();
    System.err.printf(
        "streaming from %s; output every %d s; the watermark follows the input after %d s without new entries. "
            + "Ctrl-C or SIGTERM drains (a second one cancels).%n",
        input, options.getOutputFlushSeconds(), options.getIdleWatermarkSeconds());
    AtomicInteger signals = new AtomicInteger();
    // Signal handlers, not a shutdown hook: a hook runs once, while the JVM is already exiting, so it could neither
    // wait for a drain nor see a second signal.
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> signals.incrementAndGet());
    }

    String last = "";
    long lastProgress = 0;
    long drainDeadline = Long.MAX_VALUE;
    while (true) {
      PipelineResult.State state;
      try {
        state = result.waitUntilFinish(POLL);
      } catch (RuntimeException e) {
        System.err.println("error: the stream failed: " + rootCause(e));
        return 1;
      }
      boolean draining = drainDeadline != Long.MAX_VALUE;
      if (state != null && state.isTerminal()) {
        System.out.print(RunSummary.of(result, options, elapsedMillis(startedNanos)).render());
        System.out.flush();
        if (draining && state == PipelineResult.State.DONE) {
          System.err.println("drained: every pending finding written, read messages acknowledged");
          return 0;
        }
        System.err.println("error: the stream ended in state " + state);
        return 1;
      }
      int received = signals.get();
      if (received >= 1 && !draining) {
        System.err.printf(
            "%ndraining: reading stopped; releasing held events and writing pending output (Ctrl-C again cancels)"
                + "...%n");
        drain(options);
        drainDeadline = System.currentTimeMillis() + DRAIN_TIMEOUT.getMillis();
      } else if (received >= 2 || (draining && System.currentTimeMillis() > drainDeadline)) {
        System.err.println(
            received >= 2 ? "cancelled by a second signal" : "error: the drain did not finish within " + DRAIN_TIMEOUT);
        cancel(result);
        System.out.print(RunSummary.of(result, options, elapsedMillis(startedNanos)).render());
        System.out.flush();
        return 1;
      }
      long now = System.currentTimeMillis();
      String progress = progress(result);
      if (!progress.equals(last) && now - lastProgress >= PROGRESS_EVERY_MILLIS) {
        System.err.println(progress);
        last = progress;
        lastProgress = now;
      }
    }
  }

  /** Asks the local readers of this run's input (and its metadata refresh ticks) to drain. */
  static void drain(GkeAuditOptions options) {
    if (options.getInputSubscription() != null) {
      StreamDrain.request(options.getInputSubscription());
    } else {
      RuleConfig.splitList(options.getInputFiles()).forEach(StreamDrain::request);
    }
  }

  /** The key the run's other local unbounded reads (metadata refresh ticks) drain by: the input's first name. */
  static String drainKey(GkeAuditOptions options) {
    return options.getInputSubscription() != null
        ? options.getInputSubscription()
        : RuleConfig.splitList(options.getInputFiles()).get(0);
  }

  private static void cancel(PipelineResult result) {
    try {
      result.cancel();
    } catch (Exception e) {
      System.err.println("while cancelling: " + e);
    }
  }

  static String progress(PipelineResult result) {
    var counters = com.gkeaudit.io.PipelineCounters.of(result);
    return String.format(
        Locale.ROOT,
        "stream: %,d records read, %,d events, %,d findings, %,d dead-lettered (%,d late)",
        counters.getOrDefault("records_read", 0L),
        counters.getOrDefault("events", 0L),
        counters.getOrDefault("findings", 0L),
        counters.getOrDefault("records_dead_letter", 0L),
        counters.getOrDefault("records_late", 0L));
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = String.valueOf(cause.getMessage());
    int newline = message.indexOf('\n');
    return cause.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline));
  }

  private static long elapsedMillis(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000L;
  }
}
