package com.gkeaudit;

import static com.gkeaudit.GkeAuditPipelineEndToEndTest.findingIds;
import static com.gkeaudit.GkeAuditPipelineEndToEndTest.sorted;
import static com.gkeaudit.GkeAuditPipelineEndToEndTest.lateDeadLetters;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.gkeaudit.io.WithPubsubEmulator;
import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.tools.PublishExport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live equals backfill, through a real Pub/Sub emulator: the samples are published shuffled, as a log sink would send
 * them (timestamp attribute set), plus one ordinary entry after the last; the pipeline streams from the subscription
 * on the DirectRunner; its findings must be the batch run's, by finding_id, each written once. Skipped, saying why,
 * where the emulator is not installed.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class StreamingEmulatorEndToEndTest extends WithPubsubEmulator {
  private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
  private static final String TOPIC = "projects/test-project/topics/gke-audit";
  private static final String SUBSCRIPTION = "projects/test-project/subscriptions/gke-audit";
  private static final long TIMEOUT_MILLIS = 180_000;
  /** After the last finding appears: long enough for another watermark step and output pane, were one coming. */
  private static final long SETTLE_MILLIS = 12_000;

  @Test
  void aShuffledLiveReplayFindsExactlyWhatTheBatchRunFinds(@TempDir Path batchOut, @TempDir Path streamOut)
      throws Exception {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    List<String> batchIds = batchFindingIds(batchOut);

    emulator.createTopic(TOPIC);
    emulator.createSubscription(SUBSCRIPTION, TOPIC);
    PipelineResult stream = GkeAuditPipeline.build(streamOptions(SUBSCRIPTION, streamOut)).run();
    try {
      publishSamplesShuffled(TOPIC);
      List<String> streamIds = awaitFindings(streamOut, new TreeSet<>(batchIds).size());
      Thread.sleep(SETTLE_MILLIS);
      streamIds = findingIds(streamOut);

      assertThat("each finding written once", new ArrayList<>(new TreeSet<>(streamIds)), is(sorted(streamIds)));
      assertThat(sorted(streamIds), is(sorted(batchIds)));
      Map<String, Long> counters = com.gkeaudit.io.PipelineCounters.of(stream);
      assertThat("nothing arrived late", counters.getOrDefault("records_late", 0L), is(0L));
      assertThat(lateDeadLetters(streamOut), is(empty()));
    } finally {
      stream.cancel();
    }
  }

  /**
   * A drain (what Ctrl-C or SIGTERM does to a local stream) as soon as everything published has been read, before
   * the watermark has released the stateful rules' events: the run ends in DONE, its findings are the batch run's,
   * each once, and nothing is left in the subscription (every message read was acknowledged).
   */
  @Test
  void aDrainRightAfterTheLastReadEndsDoneWithTheBatchFindingsAndAnEmptySubscription(
      @TempDir Path batchOut, @TempDir Path streamOut) throws Exception {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    List<String> batchIds = batchFindingIds(batchOut);
    String topic = TOPIC + "-drain";
    String subscription = SUBSCRIPTION + "-drain";
    emulator.createTopic(topic);
    emulator.createSubscription(subscription, topic);
    GkeAuditOptions options = streamOptions(subscription, streamOut);
    PipelineResult stream = GkeAuditPipeline.build(options).run();
    try {
      long published = publishSamplesShuffled(topic);
      long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
      while (com.gkeaudit.io.PipelineCounters.of(stream).getOrDefault("records_read", 0L) < published
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
      // A redelivered copy is read again (and dropped downstream), so more may have been read than published.
      assertThat("everything published was read",
          com.gkeaudit.io.PipelineCounters.of(stream).getOrDefault("records_read", 0L) >= published, is(true));

      LocalStream.drain(options);
      PipelineResult.State state = stream.waitUntilFinish(org.joda.time.Duration.millis(TIMEOUT_MILLIS));
      assertThat(state, is(PipelineResult.State.DONE));
      List<String> streamIds = findingIds(streamOut);
      assertThat("each finding written once", new ArrayList<>(new TreeSet<>(streamIds)), is(sorted(streamIds)));
      assertThat(sorted(streamIds), is(sorted(batchIds)));

      // Past the subscription's ack deadline (10 s), anything not acknowledged would be delivered again.
      Thread.sleep(12_000);
      assertThat("nothing left unacknowledged",
          emulator.pullAtLeast(subscription, 1, java.time.Duration.ofSeconds(3)), is(empty()));
    } finally {
      stream.cancel();
    }
  }

  /** The batch run's finding ids over the samples (each test its own run: they are short, and need no order). */
  private static List<String> batchFindingIds(Path batchOut) throws Exception {
    GkeAuditPipelineEndToEndTest.run(batchOut);
    List<String> batchIds = findingIds(batchOut);
    assertThat("the batch run finds something to compare", batchIds.isEmpty(), is(false));
    return batchIds;
  }

  private static GkeAuditOptions streamOptions(String subscription, Path streamOut) {
    return PipelineOptionsFactory.fromArgs(
                "--inputSubscription=" + subscription,
                "--pubsubRootUrl=" + emulator.rootUrl(),
                "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory",
                "--clusterMetadata=" + SAMPLES.resolve("cluster-metadata.json"),
                "--outputDir=" + streamOut,
                // The backlog counts as read after pulls find nothing for half this (5 s): on a loaded CI machine
                // the publisher's pause between two requests (or the emulator's empty answer meanwhile) reached 2.5 s.
                "--idleWatermarkSeconds=10",
                "--outputFlushSeconds=2",
                "--targetParallelism=2")
        .withValidation()
        .as(GkeAuditOptions.class);
  }

  /** Publishes the samples shuffled, plus one entry after the last; returns how many messages were published. */
  private static long publishSamplesShuffled(String topic) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);
    int status =
        PublishExport.run(
            new String[] {
              "--topic", topic, "--pubsubRootUrl", emulator.rootUrl(),
              "--input", SAMPLES.resolve("cloudaudit.googleapis.com").toString(),
              "--shuffle", "20261122", "--append-after-last", "--batch", "1000"
            },
            err, err, Map.of());
    String summary = log.toString(StandardCharsets.UTF_8);
    assertThat(summary, status, is(0));
    java.util.regex.Matcher published = java.util.regex.Pattern.compile("published (\\d+) messages").matcher(summary);
    assertThat(summary, published.find(), is(true));
    return Long.parseLong(published.group(1));
  }

  /** Polls the findings files until {@code count} distinct findings are there or the timeout passes. */
  private static List<String> awaitFindings(Path outputDir, int count) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
    List<String> ids = List.of();
    while (System.currentTimeMillis() < deadline) {
      ids = findingIds(outputDir);
      if (new TreeSet<>(ids).size() >= count) {
        return ids;
      }
      Thread.sleep(1_000);
    }
    return ids;
  }
}
