package com.gkeaudit;

import com.gkeaudit.options.GkeAuditOptions;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Duration;

/**
 * A stream on the DirectRunner: runs until interrupted, printing progress, and on Ctrl-C lets pending output panes
 * be written, cancels, and prints the summary.
 */
final class LocalStream {
  private static final Duration PROGRESS_EVERY = Duration.standardSeconds(15);

  private LocalStream() {}

  static int runUntilInterrupted(PipelineResult result, GkeAuditOptions options, long startedNanos) {
    String input = options.getInputSubscription() != null ? options.getInputSubscription() : options.getInputFiles();
    System.err.printf(
        "streaming from %s; output every %d s; the watermark follows the input after %d s without new entries. "
            + "Ctrl-C stops.%n",
        input, options.getOutputFlushSeconds(), options.getIdleWatermarkSeconds());
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopping.set(true);
              stop(result, options, startedNanos);
              stopped.countDown();
            },
            "gke-audit-stop");
    Runtime.getRuntime().addShutdownHook(hook);

    String last = "";
    while (true) {
      PipelineResult.State state;
      try {
        state = result.waitUntilFinish(PROGRESS_EVERY);
      } catch (RuntimeException e) {
        Runtime.getRuntime().removeShutdownHook(hook);
        System.err.println("error: the stream failed: " + rootCause(e));
        return 1;
      }
      if (stopping.get()) {
        awaitQuietly(stopped);
        return 0;
      }
      if (state != null && state.isTerminal()) {
        Runtime.getRuntime().removeShutdownHook(hook);
        System.out.print(RunSummary.of(result, options, elapsedMillis(startedNanos)).render());
        System.err.println("error: the stream ended in state " + state);
        return 1;
      }
      String progress = progress(result);
      if (!progress.equals(last)) {
        System.err.println(progress);
        last = progress;
      }
    }
  }

  private static void stop(PipelineResult result, GkeAuditOptions options, long startedNanos) {
    long waitSeconds = options.getOutputFlushSeconds() + 2L;
    System.err.printf("%nstopping: writing pending output (%d s)...%n", waitSeconds);
    try {
      result.waitUntilFinish(Duration.standardSeconds(waitSeconds));
      result.cancel();
    } catch (Exception e) {
      System.err.println("while stopping: " + e);
    }
    System.out.print(RunSummary.of(result, options, elapsedMillis(startedNanos)).render());
    System.out.flush();
  }

  static String progress(PipelineResult result) {
    var counters = RunSummary.counters(result);
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

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
