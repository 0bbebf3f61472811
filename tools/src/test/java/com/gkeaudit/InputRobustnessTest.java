package com.gkeaudit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.gkeaudit.io.InputFiles;
import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.options.OptionsValidator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13, through the command line: one line and exit 2 for unusable options or input, earlier output intact. */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class InputRobustnessTest {
  private static final String CLUSTER = "\"resource\":{\"type\":\"gke_cluster\",\"labels\":{\"project_id\":\"p\","
      + "\"location\":\"europe-west1\",\"cluster_name\":\"c\"}}";

  private static String clusterManager(String insertId, String time, String method, String request) {
    return "{\"insertId\":\"" + insertId + "\",\"logName\":\"projects/p/logs/cloudaudit.googleapis.com%2Factivity\","
        + "\"timestamp\":\"" + time + "\"," + CLUSTER + ",\"protoPayload\":{\"serviceName\":\"container.googleapis.com\","
        + "\"methodName\":\"google.container.v1.ClusterManager." + method + "\",\"authenticationInfo\":"
        + "{\"principalEmail\":\"alice@example.com\"},\"request\":" + request + "}}";
  }

  /** Runs the command line and returns its exit code, with what it wrote to stderr in {@code err[0]}. */
  private static int run(String[] err, String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      return GkeAuditPipeline.run(args);
    } finally {
      System.setErr(saved);
      err[0] = captured.toString(StandardCharsets.UTF_8);
    }
  }

  private static void assertOneErrorLine(String err, String expected) {
    List<String> lines = err.lines().filter(l -> l.startsWith("error: ")).toList();
    assertThat(err, lines, hasSize(1));
    assertThat(lines.get(0), containsString(expected));
    assertThat(err, not(containsString("\tat ")));
  }

  @Test
  void aMissingFileAmongSeveralPatternsIsOneLineAndExitTwo(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("existing.json"), "{}\n");
    String[] err = new String[1];
    int code = run(err, "--inputFiles=" + dir.resolve("missing.json") + "," + dir.resolve("existing.json"),
        "--outputDir=" + dir.resolve("out"));
    assertThat(code, is(2));
    assertOneErrorLine(err[0], "missing.json' matches no file");
  }

  @Test
  void aDirectoryAsInputFilesIsOneLineAndExitTwo(@TempDir Path dir) throws IOException {
    Files.writeString(Files.createDirectories(dir.resolve("logs")).resolve("a.json"), "{}\n");
    String[] err = new String[1];
    assertThat(run(err, "--inputFiles=" + dir.resolve("logs"), "--outputDir=" + dir.resolve("out")), is(2));
    assertOneErrorLine(err[0], "is a directory; to read the files below it use '" + dir.resolve("logs") + "/**'");
  }

  @Test
  void aSymlinkLoopUnderADoubleStarIsWalkedOnceAndEnds(@TempDir Path dir) throws IOException {
    Path a = Files.createDirectories(dir.resolve("L/a"));
    Files.writeString(a.resolve("x.json"), "{}\n");
    Files.createSymbolicLink(a.resolve("b1"), Path.of("../a"));
    Files.createSymbolicLink(a.resolve("b2"), Path.of("../a"));
    List<String> files =
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> InputFiles.resolve(List.of(dir + "/L/**")));
    assertThat(files, is(List.of(a.resolve("x.json").toString())));
  }

  @Test
  void aBadOptionLeavesThePreviousOutputInPlace(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("in.json"), clusterManager("i1", "2026-11-02T10:00:00Z", "SetLabels", "{}") + "\n");
    Path previous = Files.createDirectories(dir.resolve("out/findings")).resolve("findings-00000-of-00001.json");
    Files.writeString(previous, "{\"finding_id\":\"earlier\"}\n");
    String[] err = new String[1];
    assertThat(run(err, "--inputFiles=" + dir.resolve("in.json"), "--outputDir=" + dir.resolve("out"),
        "--burstWindowMinutes=abc"), is(2));
    assertOneErrorLine(err[0], "abc");
    assertThat(Files.exists(previous), is(true));
    // A good run replaces it.
    assertThat(run(err, "--inputFiles=" + dir.resolve("in.json"), "--outputDir=" + dir.resolve("out")), is(0));
    assertThat(GkeAuditPipelineEndToEndTest.findingIds(dir.resolve("out")), not(org.hamcrest.Matchers.hasItem("earlier")));
  }

  /**
   * README: without --outputDir, findings and dead letters need tables and events are optional. A spec the BigQuery
   * sink cannot parse is rejected up front, in one line, instead of a stack trace from inside the sink.
   */
  @Test
  void findingsAndDeadLetterTablesWithoutAnEventsTableAreValidAndBadSpecsAreOneLine(@TempDir Path dir) {
    Supplier<GkeAuditOptions> options = () -> PipelineOptionsFactory.fromArgs(
        "--inputFiles=" + dir + "/*.json", "--findingsTable=my-project:gke_audit.findings",
        "--deadLetterTable=my-project:gke_audit.deadletter").as(GkeAuditOptions.class);
    OptionsValidator.validate(options.get());
    GkeAuditOptions bad = options.get();
    bad.setFindingsTable("p:d.f");
    assertThat(assertThrows(IllegalArgumentException.class, () -> OptionsValidator.validate(bad)).getMessage(),
        containsString("--findingsTable must look like PROJECT:DATASET.TABLE"));
    String[] err = new String[1];
    assertThat(
        run(err, "--inputFiles=" + dir + "/*.json", "--findingsTable=p:d.f",
            "--deadLetterTable=my-project:gke_audit.deadletter"),
        is(2));
    assertOneErrorLine(err[0], "--findingsTable");
  }

  /**
   * Item 7: a Kubernetes line from 1677 used to wrap to 2262, move the end-of-input clock and make a rotation look
   * stalled. Now it is a bad-timestamp dead letter, and the rotation (the last entry in the input) is not reported.
   */
  @Test
  void aTimestampOutsideTheRangeIsADeadLetterAndCausesNoFinding(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("in.json"),
        clusterManager("r1", "2026-11-02T10:00:00Z", "StartIPRotation", "{\"rotateCredentials\":true}") + "\n"
            + "{\"insertId\":\"k\",\"timestamp\":\"1677-09-21T00:00:00Z\",\"protoPayload\":{\"serviceName\":\"k8s.io\"}}\n"
            + "{\"insertId\":\"k2\",\"timestamp\":\"2262-04-11T23:47:16.854775807+00:00\","
            + "\"protoPayload\":{\"serviceName\":\"k8s.io\"}}\n");
    Path out = dir.resolve("out");
    String[] err = new String[1];
    assertThat(run(err, "--inputFiles=" + dir.resolve("in.json"), "--outputDir=" + out), is(0));
    assertThat(GkeAuditPipelineEndToEndTest.findingIds(out), is(empty()));
    List<JsonNode> dead = GkeAuditPipelineEndToEndTest.rows(out, "deadletter");
    assertThat(dead, hasSize(2));
    for (JsonNode row : dead) {
      assertThat(row.get("reason").asText(), is("bad-timestamp"));
      assertThat(row.get("error_message").asText(), containsString("outside the accepted range"));
    }
  }

  /**
   * Items 2 and 12: a daily window of PT2562047788015215H crashed the run with a long overflow; an RRULE lib-recur
   * rejects switched the window rule off silently. Both are now warned and counted, and the run ends normally.
   */
  @Test
  void unusableMaintenancePoliciesAreCountedNotFatal(@TempDir Path dir) throws IOException {
    String asset = "{\"name\":\"//container.googleapis.com/projects/p/locations/europe-west1/clusters/%s\","
        + "\"asset_type\":\"container.googleapis.com/Cluster\",\"resource\":{\"data\":{\"maintenancePolicy\":"
        + "{\"window\":%s}}},\"update_time\":\"2026-11-01T00:00:00Z\"}";
    Files.writeString(dir.resolve("metadata.json"),
        String.format(asset, "c", "{\"dailyMaintenanceWindow\":{\"startTime\":\"03:00\",\"duration\":\"PT2562047788015215H\"}}")
            + "\n" + String.format(asset, "d", "{\"recurringWindow\":{\"window\":{\"startTime\":\"2025-01-04T01:00:00Z\","
                + "\"endTime\":\"2025-01-04T05:00:00Z\"},\"recurrence\":\"FREQ=FORTNIGHTLY\"}}") + "\n"
            + String.format(asset, "e", "{}").replace("2026-11-01T00:00:00Z", "1677-09-21T00:00:00Z") + "\n");
    Files.writeString(dir.resolve("in.json"),
        clusterManager("u1", "2026-11-02T10:00:00Z", "UpdateMaster", "{\"masterVersion\":\"1.31\"}") + "\n");
    Path out = dir.resolve("out");
    PrintStream saved = System.out;
    ByteArrayOutputStream summary = new ByteArrayOutputStream();
    System.setOut(new PrintStream(summary, true, StandardCharsets.UTF_8));
    String[] err = new String[1];
    int code;
    try {
      code = run(err, "--inputFiles=" + dir.resolve("in.json"), "--clusterMetadata=" + dir.resolve("metadata.json"),
          "--outputDir=" + out);
    } finally {
      System.setOut(saved);
    }
    assertThat(err[0], code, is(0));
    String text = summary.toString(StandardCharsets.UTF_8);
    assertThat(text, containsString("maintenance policies not checked (warned)"));
    assertThat(text, containsString("counts add up: yes"));
    List<JsonNode> dead = GkeAuditPipelineEndToEndTest.rows(out, "deadletter");
    assertThat(dead, hasSize(1));
    assertThat(dead.get(0).get("reason").asText(), is("bad-timestamp"));
    assertThat(dead.get(0).get("error_message").asText(), containsString("update_time"));
  }
}
