package com.gkeaudit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.io.SchemaAssertions;
import com.gkeaudit.model.Times;
import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.tools.SampleExportGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline over the bundled {@code samples/} export, with the DirectRunner's enforcement checks on:
 * exact record accounting against the generator's own (samples/expected.json), exactly the injected findings, rows
 * that conform to the schemas, and no secret anywhere in the output.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class GkeAuditPipelineEndToEndTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();

  @TempDir static Path out;
  private static Map<String, Long> counters;
  private static JsonNode expected;

  @BeforeAll
  static void runOverSamples() throws IOException {
    expected = MAPPER.readTree(SAMPLES.resolve("expected.json").toFile());
    counters = run(out, "--trustedCidrs=");
  }

  static Map<String, Long> run(Path outputDir, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--inputFiles=" + SAMPLES.resolve("cloudaudit.googleapis.com") + "/**",
        "--clusterMetadata=" + SAMPLES.resolve("cluster-metadata.json"),
        "--outputDir=" + outputDir));
    args.addAll(List.of(extra));
    GkeAuditOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().as(GkeAuditOptions.class);
    PipelineResult result = GkeAuditPipeline.build(options).run();
    assertThat(result.waitUntilFinish(), is(PipelineResult.State.DONE));
    return com.gkeaudit.io.PipelineCounters.of(result);
  }

  static List<JsonNode> rows(Path outputDir, String table) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(outputDir.resolve(table))) {
      for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          rows.add(MAPPER.readTree(line));
        }
      }
    }
    return rows;
  }

  /** The finding_ids in an output directory's findings files (none yet: empty), one per row. */
  static List<String> findingIds(Path outputDir) throws IOException {
    List<String> ids = new ArrayList<>();
    if (Files.isDirectory(outputDir.resolve("findings"))) {
      for (JsonNode row : rows(outputDir, "findings")) {
        ids.add(row.get("finding_id").asText());
      }
    }
    return ids;
  }

  /** The dead letters with reason "late" in an output directory. */
  static List<JsonNode> lateDeadLetters(Path outputDir) throws IOException {
    List<JsonNode> late = new ArrayList<>();
    if (Files.isDirectory(outputDir.resolve("deadletter"))) {
      for (JsonNode row : rows(outputDir, "deadletter")) {
        if (row.get("reason").asText().equals("late")) {
          late.add(row);
        }
      }
    }
    return late;
  }

  static List<String> sorted(List<String> ids) {
    List<String> copy = new ArrayList<>(ids);
    copy.sort(null);
    return copy;
  }

  @Test
  void everyRecordIsAccountedForExactly() {
    JsonNode accounting = expected.get("accounting");
    long read = counters.get("records_read");
    assertThat(read, is(accounting.get("totalLines").asLong()));
    assertThat(counters.get("records_empty"), is(accounting.get("emptyLines").asLong()));
    assertThat(counters.get("records_dead_letter"), is(accounting.get("badLines").asLong()));
    assertThat(counters.get("events"), is(accounting.get("clusterManagerEntries").asLong()));
    // Duplicates of other services' lines are dropped with them (they never become elements); ClusterManager
    // duplicates are counted as such.
    long clusterManager = counters.get("records_cluster_manager");
    long other = counters.get("records_other_service");
    assertThat(clusterManager + other,
        is(accounting.get("parsedEntries").asLong() + accounting.get("duplicateLines").asLong()));
    assertThat(clusterManager, is(counters.get("events") + counters.get("records_duplicate")));
    assertThat(read, is(counters.get("records_empty") + other + clusterManager + counters.get("records_dead_letter")));
  }

  @Test
  void findingsAreExactlyTheInjectedIncidents() throws IOException {
    List<String> actual = new ArrayList<>();
    for (JsonNode row : rows(out, "findings")) {
      actual.add(describe(row.get("rule_id").asText(), row.get("severity").asText(), row.get("event_time").asText(),
          row.path("cluster_name").asText(null), row.path("principal").asText(null)));
    }
    List<String> wanted = new ArrayList<>();
    for (JsonNode incident : expected.get("incidents")) {
      for (JsonNode finding : incident.get("findings")) {
        if (finding.path("requires").isNull() || finding.path("requires").isMissingNode()) {
          wanted.add(describe(finding.get("rule_id").asText(), finding.get("severity").asText(),
              finding.get("event_time").asText(), finding.path("cluster_name").asText(null),
              finding.path("principal").asText(null)));
        }
      }
    }
    assertThat(wanted.size(), is(expected.get("expected_findings_default_options").asInt()));
    assertThat(actual, containsInAnyOrder(wanted.toArray(String[]::new)));
  }

  @Test
  void everyRowConformsToItsSchema() throws IOException {
    for (String table : List.of("findings", "events", "deadletter")) {
      List<JsonNode> rows = rows(out, table);
      assertThat(table, rows, not(empty()));
      for (JsonNode row : rows) {
        SchemaAssertions.assertConforms(row, table);
      }
    }
  }

  @Test
  void findingsCarryActionableRemediationAndNoSecrets() throws IOException {
    for (JsonNode row : rows(out, "findings")) {
      assertThat(row.toString(), row.get("remediation").asText().contains("gcloud"), is(true));
      assertThat(row.get("remediation").asText().contains("PodSecurityPolicy"), is(false));
    }
    try (Stream<Path> files = Files.walk(out)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1).contains(SampleExportGenerator.SECRET),
            is(false));
      }
    }
  }

  @Test
  void trustedCidrsAddTheUntrustedSourceFinding(@TempDir Path withCidrs) throws IOException {
    run(withCidrs, "--trustedCidrs=" + SampleExportGenerator.TRUSTED_CIDRS);
    List<JsonNode> findings = rows(withCidrs, "findings");
    assertThat(findings.size(), is(expected.get("expected_findings_with_trusted_cidrs").asInt()));
    List<String> untrusted = new ArrayList<>();
    for (JsonNode row : findings) {
      if (row.get("rule_id").asText().equals("untrusted-source")) {
        untrusted.add(row.get("caller_ip").asText());
      }
    }
    assertThat(untrusted, hasItem("198.51.100.77"));
    // and the stolen Terraform key used from curl (the unusual-client / unusual-source scenario)
    assertThat(untrusted, hasItem("198.51.100.23"));
    assertThat(untrusted.size(), is(2));
  }

  private static String describe(String rule, String severity, String eventTime, String cluster, String principal) {
    return String.join(" | ", rule, severity, Times.format(Times.parseRfc3339(eventTime)), String.valueOf(cluster),
        String.valueOf(principal));
  }
}
