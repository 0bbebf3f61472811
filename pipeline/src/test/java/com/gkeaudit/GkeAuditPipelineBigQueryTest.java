package com.gkeaudit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.options.OptionsValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.gcp.testing.FakeBigQueryServices;
import org.apache.beam.sdk.io.gcp.testing.FakeDatasetService;
import org.apache.beam.sdk.io.gcp.testing.FakeJobService;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline with the three BigQuery tables (Beam's fakes) and NDJSON output at once. */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class GkeAuditPipelineBigQueryTest {
  private static final String PROJECT = "test-project";

  @Test
  void findingsEventsAndDeadLettersReachTheirTablesAndTheFiles(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("export.json");
    Files.write(
        input,
        List.of(
            entry("e-1", "2026-03-02T10:00:00Z", "SetLegacyAbac", "{\"enabled\":true}"),
            "this line is not JSON",
            entry("e-2", "2026-03-02T10:05:00Z", "SetLabels", "{\"resourceLabels\":{\"team\":\"a\"}}")),
        StandardCharsets.UTF_8);
    FakeDatasetService.setUp();
    FakeJobService.setUp();
    FakeDatasetService datasets = new FakeDatasetService();
    String dataset = "pipeline_" + System.nanoTime();
    datasets.createDataset(PROJECT, dataset, "US", "", null);
    String prefix = PROJECT + ":" + dataset + ".";
    GkeAuditOptions options =
        PipelineOptionsFactory.fromArgs(
                "--inputFiles=" + input,
                "--outputDir=" + dir.resolve("out"),
                "--findingsTable=" + prefix + "findings",
                "--eventsTable=" + prefix + "events",
                "--deadLetterTable=" + prefix + "deadletter")
            .as(GkeAuditOptions.class);
    OptionsValidator.validate(options);

    PipelineResult.State state =
        GkeAuditPipeline.build(
                options, new FakeBigQueryServices().withDatasetService(datasets).withJobService(new FakeJobService()))
            .run()
            .waitUntilFinish();

    assertThat(state, is(PipelineResult.State.DONE));
    assertThat(
        datasets.getAllRows(PROJECT, dataset, "findings").stream().map(r -> r.get("rule_id")).toList(),
        contains("posture-weakened"));
    assertThat(datasets.getAllRows(PROJECT, dataset, "events"), hasSize(2));
    assertThat(
        datasets.getAllRows(PROJECT, dataset, "deadletter").stream().map(r -> r.get("reason")).toList(),
        contains("not-json"));
    assertThat(lines(dir.resolve("out/findings")), hasSize(1));
    assertThat(lines(dir.resolve("out/events")), hasSize(2));
    assertThat(lines(dir.resolve("out/deadletter")), hasSize(1));
  }

  private static String entry(String insertId, String time, String method, String request) {
    return "{\"insertId\":\"" + insertId + "\",\"logName\":\"projects/p/logs/cloudaudit.googleapis.com%2Factivity\","
        + "\"timestamp\":\"" + time + "\",\"resource\":{\"type\":\"gke_cluster\",\"labels\":{\"project_id\":\"p\","
        + "\"location\":\"us-central1\",\"cluster_name\":\"c\"}},\"protoPayload\":{\"serviceName\":"
        + "\"container.googleapis.com\",\"methodName\":\"google.container.v1.ClusterManager." + method + "\","
        + "\"authenticationInfo\":{\"principalEmail\":\"alice@example.com\"},\"requestMetadata\":{\"callerIp\":"
        + "\"203.0.113.7\"},\"request\":" + request + "}}";
  }

  private static List<String> lines(Path directory) throws Exception {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .flatMap(
              file -> {
                try {
                  return Files.readAllLines(file, StandardCharsets.UTF_8).stream();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .filter(line -> !line.isBlank())
          .toList();
    }
  }
}
