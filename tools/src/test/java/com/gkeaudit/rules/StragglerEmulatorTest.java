package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.k8sLine;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.GkeAuditPipeline;
import com.gkeaudit.io.StreamEntry;
import com.gkeaudit.io.WithPubsubEmulator;
import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.tools.PubsubRest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/streaming.md through a real Pub/Sub emulator: a straggler published 45 s after later entries, into a quiet stream whose
 * watermark has already jumped to its newest entry, is still seen in order by the stateful rules (it completes a
 * change burst), and nothing is late. Skipped, saying why, where the emulator is not installed.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class StragglerEmulatorTest extends WithPubsubEmulator {
  private static final String TOPIC = "projects/test-project/topics/stragglers";
  private static final String SUBSCRIPTION = "projects/test-project/subscriptions/stragglers";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void aStragglerIntoAQuietStreamStillCompletesAChangeBurst(@TempDir Path out) throws Exception {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    emulator.createTopic(TOPIC);
    emulator.createSubscription(SUBSCRIPTION, TOPIC);
    // Event times an hour ago (a replay), so wall-clock time plays no part.
    Instant t0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    GkeAuditOptions options =
        PipelineOptionsFactory.fromArgs(
                "--inputSubscription=" + SUBSCRIPTION,
                "--pubsubRootUrl=" + emulator.rootUrl(),
                "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory",
                "--outputDir=" + out,
                "--idleWatermarkSeconds=3",
                "--outputFlushSeconds=1",
                "--allowedLatenessMinutes=2",
                "--targetParallelism=2")
            .withValidation()
            .as(GkeAuditOptions.class);
    PipelineResult stream = GkeAuditPipeline.build(options).run();
    try {
      // Three changes on c1 and a Kubernetes entry a minute after the last: no burst yet (threshold 4).
      publish(
          change("SetLabels").cluster("c1").request("{}").at(t0).line(),
          change("SetLabels").cluster("c1").request("{}").at(t0.plusSeconds(60)).line(),
          change("SetLabels").cluster("c1").request("{}").at(t0.plusSeconds(120)).line(),
          k8sLine(t0.plusSeconds(180)));
      // Quiet: the watermark jumps to the newest entry (t0 + 3 min) after 3 s. The straggler, at t0 + 2.5 min,
      // comes 45 s later: 30 s behind that watermark, within the 2 minutes allowed.
      Thread.sleep(45_000);
      publish(change("SetLabels").cluster("c1").request("{}").at(t0.plusSeconds(150)).line());
      // A later entry moves the watermark far enough (t0 + 10 min) for the rules to release the burst.
      Thread.sleep(5_000);
      publish(k8sLine(t0.plusSeconds(600)));

      List<String> rules = awaitRules(out, "change-burst", 90_000);
      assertThat(rules.contains("change-burst"), is(true));
      assertThat("nothing is late", rows(out, "deadletter"), is(empty()));
    } finally {
      stream.cancel();
    }
  }

  private static void publish(String... lines) {
    List<PubsubRest.Message> messages = new ArrayList<>();
    for (String line : lines) {
      String timestamp = ClusterEvents.json(line).get("timestamp").asText();
      messages.add(new PubsubRest.Message(
          line.getBytes(StandardCharsets.UTF_8), Map.of(StreamEntry.TIMESTAMP_ATTRIBUTE, timestamp)));
    }
    emulator.rest().publish(TOPIC, messages);
  }

  private static List<String> awaitRules(Path out, String wanted, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    List<String> rules = List.of();
    while (System.currentTimeMillis() < deadline) {
      rules = rows(out, "findings").stream().map(row -> row.path("rule_id").asText()).toList();
      if (rules.contains(wanted)) {
        return rules;
      }
      Thread.sleep(1_000);
    }
    return rules;
  }

  private static List<JsonNode> rows(Path out, String table) throws IOException {
    Path dir = out.resolve(table);
    List<JsonNode> rows = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return rows;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            rows.add(MAPPER.readTree(line));
          }
        }
      }
    }
    return rows;
  }
}
