package com.gkeaudit;

import static com.gkeaudit.GkeAuditPipelineEndToEndTest.findingIds;
import static com.gkeaudit.GkeAuditPipelineEndToEndTest.sorted;
import static com.gkeaudit.GkeAuditPipelineEndToEndTest.lateDeadLetters;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.gkeaudit.io.PubsubEmulator;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live equals backfill, through a real Pub/Sub emulator: the samples are published shuffled, as a log sink would send
 * them (timestamp attribute set), plus one ordinary entry after the last; the pipeline streams from the subscription
 * on the DirectRunner; its findings must be the batch run's, by finding_id, each written once. Skipped, saying why,
 * where the emulator is not installed.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class StreamingEmulatorEndToEndTest {
  private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
  private static final String TOPIC = "projects/test-project/topics/gke-audit";
  private static final String SUBSCRIPTION = "projects/test-project/subscriptions/gke-audit";
  private static final long TIMEOUT_MILLIS = 180_000;
  /** After the last finding appears: long enough for another watermark step and output pane, were one coming. */
  private static final long SETTLE_MILLIS = 12_000;

  private static PubsubEmulator emulator;

  @BeforeAll
  static void startEmulator() {
    emulator = PubsubEmulator.start();
  }

  @AfterAll
  static void stopEmulator() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void aShuffledLiveReplayFindsExactlyWhatTheBatchRunFinds(@TempDir Path batchOut, @TempDir Path streamOut)
      throws Exception {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    GkeAuditPipelineEndToEndTest.run(batchOut);
    List<String> batchIds = findingIds(batchOut);
    assertThat("the batch run finds something to compare", batchIds.isEmpty(), is(false));

    emulator.createTopic(TOPIC);
    emulator.createSubscription(SUBSCRIPTION, TOPIC);
    GkeAuditOptions options =
        PipelineOptionsFactory.fromArgs(
                "--inputSubscription=" + SUBSCRIPTION,
                "--pubsubRootUrl=" + emulator.rootUrl(),
                "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory",
                "--clusterMetadata=" + SAMPLES.resolve("cluster-metadata.json"),
                "--outputDir=" + streamOut,
                "--idleWatermarkSeconds=5",
                "--outputFlushSeconds=2",
                "--targetParallelism=2")
            .withValidation()
            .as(GkeAuditOptions.class);
    PipelineResult stream = GkeAuditPipeline.build(options).run();
    try {
      publishSamplesShuffled();
      List<String> streamIds = awaitFindings(streamOut, new TreeSet<>(batchIds).size());
      Thread.sleep(SETTLE_MILLIS);
      streamIds = findingIds(streamOut);

      assertThat("each finding written once", new ArrayList<>(new TreeSet<>(streamIds)), is(sorted(streamIds)));
      assertThat(sorted(streamIds), is(sorted(batchIds)));
      Map<String, Long> counters = RunSummary.counters(stream);
      assertThat("nothing arrived late", counters.getOrDefault("records_late", 0L), is(0L));
      assertThat(lateDeadLetters(streamOut), is(empty()));
    } finally {
      stream.cancel();
    }
  }

  private static void publishSamplesShuffled() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);
    int status =
        PublishExport.run(
            new String[] {
              "--topic", TOPIC, "--pubsubRootUrl", emulator.rootUrl(),
              "--input", SAMPLES.resolve("cloudaudit.googleapis.com").toString(),
              "--shuffle", "20261122", "--append-after-last"
            },
            err, err, Map.of());
    assertThat(log.toString(StandardCharsets.UTF_8), status, is(0));
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
