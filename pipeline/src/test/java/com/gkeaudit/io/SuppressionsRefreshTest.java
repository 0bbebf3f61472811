package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;

import com.gkeaudit.model.Finding;
import com.gkeaudit.transforms.JsonCoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a running stream the suppressions file is re-read (every second here): an edit takes effect without a restart,
 * and an edit that breaks the file keeps the previous entries (counted as a failed refresh) rather than dropping
 * every suppression. Runs without blocking, polls what reached its sink with bounded waits, then cancels.
 */
@ExtendWith(TestPipelineExtension.class)
class SuppressionsRefreshTest {
  private static final long WAIT_MILLIS = 60_000;
  /** suppressed_by of each finding that reached the sink, in arrival order ("-" when not suppressed). */
  private static final ConcurrentLinkedQueue<String> REASONS = new ConcurrentLinkedQueue<>();

  private PipelineResult running;

  @AfterEach
  void cancel() throws IOException {
    if (running != null) {
      running.cancel();
    }
    REASONS.clear();
  }

  static final class RecordReasonFn extends DoFn<Finding, Void> {
    @ProcessElement
    public void process(@Element Finding finding) {
      REASONS.add(finding.suppressed() ? finding.suppressedBy() : "-");
    }
  }

  private static Finding finding() {
    return new Finding("id", "change-burst", "MEDIUM", "t", "d", "r", 1_793_000_000_000_000_000L, null, null, "p",
        "l", "c", "alice@example.com", null, null, "SetLabels", null, List.of("i"), List.of(), List.of(), null, null,
        null, null, null, "{}", 0L, null);
  }

  private static void replace(Path file, String content) throws IOException {
    Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void anEditTakesEffectAndABrokenEditKeepsThePreviousEntries(TestPipeline pipeline, @TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("suppressions.yaml");
    Files.writeString(file, "suppressions:\n  - rule_id: change-burst\n    reason: first\n");
    pipeline.getOptions().as(StreamingOptions.class).setStreaming(true);
    pipeline.getOptions().as(DirectOptions.class).setBlockOnRun(false);
    pipeline
        // Findings start a few seconds after the first read of the file. Observed on the DirectRunner under heavy
        // load (16 runnable threads on 2 cores): elements that reached the side-input step before the side input's
        // first pane were sometimes never retried within a minute. What this test checks is the refresh, not that.
        .apply(
            "FindingTicks",
            PeriodicImpulse.create()
                .startAt(Instant.now().plus(Duration.standardSeconds(10)))
                .withInterval(Duration.millis(200)))
        .apply("Findings", MapElements.into(TypeDescriptor.of(Finding.class)).via(tick -> finding()))
        .setCoder(JsonCoder.of(Finding.class))
        .apply(SuppressFindings.refreshing(file.toString(), Duration.standardSeconds(1)))
        .apply("RecordReasons", ParDo.of(new RecordReasonFn()));
    running = pipeline.run();

    await("the first read", () -> counter("suppressions_refreshed") > 0);
    await("a finding suppressed by the first read", () -> REASONS.contains("first"));

    replace(file, "suppressions:\n  - rule_id: change-burst\n");
    await("a failed refresh", () -> counter("suppressions_refresh_failed") > 0);
    int seen = REASONS.size();
    await("findings after the failed refresh", () -> REASONS.size() > seen + 3);
    assertThat(new ArrayList<>(REASONS).subList(seen, REASONS.size()), everyItem(is("first")));

    replace(file, "suppressions:\n  - rule_id: change-burst\n    reason: second\n");
    await("a finding suppressed by the edited file", () -> REASONS.contains("second"));

    replace(file, "suppressions: []\n");
    await("a finding no longer suppressed", () -> REASONS.contains("-"));
  }

  private long counter(String name) {
    return PipelineCounters.get(running, name);
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (!condition.getAsBoolean()) {
      if (running.getState().isTerminal()) {
        running.waitUntilFinish(); // rethrows what stopped the pipeline
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("no " + what + " within " + WAIT_MILLIS + " ms; reasons seen: " + REASONS
            + "; refreshed " + counter("suppressions_refreshed") + ", failed " + counter("suppressions_refresh_failed")
            + ", suppressed " + counter("findings_suppressed"));
      }
      Thread.sleep(50);
    }
  }
}
