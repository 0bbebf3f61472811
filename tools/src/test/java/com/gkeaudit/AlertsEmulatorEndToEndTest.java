package com.gkeaudit;

import static com.gkeaudit.GkeAuditPipelineEndToEndTest.findingIds;
import static com.gkeaudit.GkeAuditPipelineEndToEndTest.rows;
import static com.gkeaudit.GkeAuditPipelineEndToEndTest.sorted;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.io.WithPubsubEmulator;
import com.gkeaudit.tools.PubsubRest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/alerts-and-suppressions.md end to end, against a real Pub/Sub emulator: a batch run over the samples with {@code --findingsTopic} and
 * {@code --suppressions} publishes each unsuppressed finding exactly once, its row as data and the routing attributes
 * set; a suppressed finding is written with its reason and not published; finding ids are those of a run without
 * suppressions. Skipped, saying why, where the emulator is not installed.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class AlertsEmulatorEndToEndTest extends WithPubsubEmulator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "projects/test-project/topics/gke-audit-findings";
  private static final String SUBSCRIPTION = "projects/test-project/subscriptions/gke-audit-findings";
  private static final String REASON = "staging rotations are finished by hand after the freeze";
  /** After the expected messages: long enough for a second copy to arrive, were one coming. */
  private static final Duration SETTLE = Duration.ofSeconds(3);

  @Test
  void eachUnsuppressedFindingIsPublishedOnceAndSuppressedOnesAreWrittenNotPublished(
      @TempDir Path plainOut, @TempDir Path alertOut, @TempDir Path config) throws Exception {
    assumeTrue(emulator.isAvailable(), emulator.reason());
    emulator.createTopic(TOPIC);
    emulator.createSubscription(SUBSCRIPTION, TOPIC);
    Path suppressions = config.resolve("suppressions.yaml");
    Files.writeString(
        suppressions,
        String.join(
            "\n",
            "suppressions:",
            "  - rule_id: ip-rotation-stalled",
            "    cluster_name: \"staging-*\"",
            "    reason: " + REASON,
            "  # Expired before the samples begin: must suppress nothing.",
            "  - principal: \"*@example.com\"",
            "    until: 2026-01-01T00:00:00Z",
            "    reason: an old freeze",
            ""),
        StandardCharsets.UTF_8);

    GkeAuditPipelineEndToEndTest.run(plainOut);
    GkeAuditPipelineEndToEndTest.run(
        alertOut,
        "--findingsTopic=" + TOPIC,
        "--suppressions=" + suppressions,
        "--pubsubRootUrl=" + emulator.rootUrl(),
        "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory");

    assertThat("suppression never changes ids", sorted(findingIds(alertOut)), is(sorted(findingIds(plainOut))));
    Map<String, JsonNode> unsuppressed = new TreeMap<>();
    List<JsonNode> suppressed = new ArrayList<>();
    for (JsonNode row : rows(alertOut, "findings")) {
      boolean expectSuppressed =
          row.get("rule_id").asText().equals("ip-rotation-stalled")
              && row.get("cluster_name").asText("").startsWith("staging-");
      assertThat(row.toString(), row.get("suppressed").asBoolean(), is(expectSuppressed));
      if (expectSuppressed) {
        assertThat(row.get("suppressed_by").asText(), is(REASON));
        suppressed.add(row);
      } else {
        assertThat(row.toString(), row.get("suppressed_by").isNull(), is(true));
        unsuppressed.put(row.get("finding_id").asText(), row);
      }
    }
    assertThat("the samples hold a finding the file suppresses", suppressed.size(), greaterThan(0));
    assertThat("and findings it does not", unsuppressed.size(), greaterThan(0));

    List<PubsubRest.Received> received =
        emulator.pullAtLeast(SUBSCRIPTION, unsuppressed.size(), Duration.ofSeconds(60));
    Thread.sleep(SETTLE.toMillis());
    List<PubsubRest.Received> more = emulator.pullAtLeast(SUBSCRIPTION, 1, Duration.ofSeconds(2));
    assertThat("no second copy and nothing suppressed", more.stream().map(m -> m.attributes()).toList(), is(empty()));

    Map<String, Integer> copies = new TreeMap<>();
    for (PubsubRest.Received message : received) {
      Map<String, String> attributes = message.attributes();
      String id = attributes.get("finding_id");
      copies.merge(id, 1, Integer::sum);
      JsonNode row = unsuppressed.get(id);
      assertThat("published only if unsuppressed: " + attributes, row == null, is(false));
      assertThat(JSON.readTree(message.data()), is(row));
      assertThat(attributes.get("rule_id"), is(row.get("rule_id").asText()));
      assertThat(attributes.get("severity"), is(row.get("severity").asText()));
      assertThat(attributes.get("project_id"), is(row.get("project_id").asText("")));
      assertThat(attributes.get("cluster_name"), is(row.get("cluster_name").isNull() ? "" : row.get("cluster_name").asText()));
    }
    Map<String, Integer> once = new TreeMap<>();
    unsuppressed.keySet().forEach(id -> once.put(id, 1));
    assertThat("each unsuppressed finding published exactly once", copies, is(once));
  }
}
