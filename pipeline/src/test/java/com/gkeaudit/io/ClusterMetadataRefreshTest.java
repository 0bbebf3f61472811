package com.gkeaudit.io;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.parse.LogEntryParser;
import com.gkeaudit.transforms.EnrichEvents;
import com.gkeaudit.transforms.JsonCoder;
import static com.gkeaudit.io.ClusterMetadataReaderTest.asset;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refreshing side input in a running streaming pipeline (re-read every second) while the export behind the
 * pattern is replaced: events keep arriving in the global window and later ones must carry the new labels; bad lines
 * are reported once per file version. The pipeline never ends by itself, so it runs without blocking, the test polls
 * what reached its sinks (bounded waits) and then cancels it.
 */
@ExtendWith(TestPipelineExtension.class)
class ClusterMetadataRefreshTest {
  private static final long WAIT_MILLIS = 10_000;
  private static final String EVENT =
      "{\"insertId\":\"e\",\"logName\":\"projects/p/logs/cloudaudit.googleapis.com%2Factivity\","
          + "\"timestamp\":\"2026-11-02T10:00:00Z\",\"resource\":{\"type\":\"gke_cluster\",\"labels\":"
          + "{\"project_id\":\"p\",\"location\":\"us-central1\",\"cluster_name\":\"c1\"}},\"protoPayload\":"
          + "{\"serviceName\":\"container.googleapis.com\",\"methodName\":"
          + "\"google.container.v1.ClusterManager.SetLabels\"}}";

  /** The team label each enriched event carried, in arrival order ("-" when it was not enriched). */
  private static final ConcurrentLinkedQueue<String> TEAMS = new ConcurrentLinkedQueue<>();
  /** "source:line" of each dead letter. */
  private static final ConcurrentLinkedQueue<String> DEAD_LETTERS = new ConcurrentLinkedQueue<>();

  private PipelineResult running;

  @AfterEach
  void cancel() throws IOException {
    if (running != null) {
      running.cancel();
    }
    TEAMS.clear();
    DEAD_LETTERS.clear();
  }

  static final class RecordTeamFn extends DoFn<ClusterEvent, Void> {
    @ProcessElement
    public void process(@Element ClusterEvent event) {
      TEAMS.add(event.cluster() == null ? "-" : String.valueOf(event.cluster().label("team")));
    }
  }

  static final class RecordDeadLetterFn extends DoFn<DeadLetter, Void> {
    @ProcessElement
    public void process(@Element DeadLetter letter) {
      DEAD_LETTERS.add(letter.source() + ":" + letter.lineNumber());
    }
  }

  private static void runWithoutBlocking(TestPipeline pipeline) {
    pipeline.getOptions().as(StreamingOptions.class).setStreaming(true);
    pipeline.getOptions().as(DirectOptions.class).setBlockOnRun(false);
  }

  /** Replaces the file in one step, as a new export object appears: a refresh never sees it half written. */
  private static void replace(Path export, String content) throws IOException {
    Path next = Files.writeString(export.resolveSibling(export.getFileName() + ".next"), content);
    Files.move(next, export, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void laterEventsCarryTheRewrittenExportAndAVanishedExportKeepsThePreviousMap(TestPipeline pipeline, @TempDir Path dir)
      throws Exception {
    Path export = dir.resolve("clusters.json");
    Files.writeString(export, asset("c1", "2026-11-01T00:00:00Z", "before") + "\n");
    runWithoutBlocking(pipeline);

    ClusterMetadataSource.Result metadata =
        ClusterMetadataSource.refreshing(pipeline.begin(), export.toString(), Duration.standardSeconds(1));
    pipeline
        .apply("EventTicks", PeriodicImpulse.create().withInterval(Duration.millis(200)))
        .apply(
            "Events",
            MapElements.into(TypeDescriptor.of(ClusterEvent.class))
                .via(tick -> LogEntryParser.parse(EVENT.getBytes(StandardCharsets.UTF_8), "test").event()))
        .setCoder(JsonCoder.of(ClusterEvent.class))
        .apply(EnrichEvents.with(metadata.view()))
        .apply("RecordTeams", ParDo.of(new RecordTeamFn()));
    running = pipeline.run();

    await("an event enriched from the first read", () -> TEAMS.contains("before"));

    Files.delete(export);
    await("a failed refresh", () -> counter("metadata_refresh_failed") > 0);
    int seenBeforeRecovery = TEAMS.size();
    await("events after the failed refresh", () -> TEAMS.size() > seenBeforeRecovery + 3);
    List<String> whileMissing = new ArrayList<>(TEAMS).subList(seenBeforeRecovery, TEAMS.size());
    assertThat(whileMissing, everyItem(is("before")));

    replace(export, asset("c1", "2026-11-02T00:00:00Z", "after") + "\n");
    await("an event enriched from the rewritten export", () -> TEAMS.contains("after"));
  }

  @Test
  void aBadLineIsDeadLetteredOncePerVersionOfItsFileNotOncePerRefresh(TestPipeline pipeline, @TempDir Path dir)
      throws Exception {
    Path export = dir.resolve("clusters.json");
    Files.writeString(export, asset("c1", "2026-11-01T00:00:00Z", "before") + "\nnot json\n");
    runWithoutBlocking(pipeline);
    ClusterMetadataSource.refreshing(pipeline.begin(), export.toString(), Duration.standardSeconds(1))
        .deadLetters()
        .apply("RecordDeadLetters", ParDo.of(new RecordDeadLetterFn()));
    running = pipeline.run();

    await("the dead letter of the first read", () -> !DEAD_LETTERS.isEmpty());
    long refreshes = counter("metadata_refreshed");
    await("two more refreshes", () -> counter("metadata_refreshed") >= refreshes + 2);
    assertThat(new ArrayList<>(DEAD_LETTERS), contains(export + ":2"));

    replace(export, "[]\n" + asset("c1", "2026-11-02T00:00:00Z", "after") + "\nnot json\n");
    await("the dead letters of the rewritten file", () -> DEAD_LETTERS.size() >= 3);
    long rewrittenRefreshes = counter("metadata_refreshed");
    await("two more refreshes", () -> counter("metadata_refreshed") >= rewrittenRefreshes + 2);
    assertThat(new ArrayList<>(DEAD_LETTERS), containsInAnyOrder(export + ":2", export + ":1", export + ":3"));
  }

  private long counter(String name) {
    return PipelineCounters.get(running, name);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "no " + what + " within " + WAIT_MILLIS + " ms; teams seen: " + TEAMS + "; dead letters: " + DEAD_LETTERS);
      }
      Thread.sleep(50);
    }
  }
}
