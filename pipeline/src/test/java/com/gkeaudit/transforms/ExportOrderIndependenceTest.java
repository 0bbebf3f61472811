package com.gkeaudit.transforms;

import com.gkeaudit.GkeAuditPipeline;
import com.gkeaudit.io.Rows;
import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.rules.Incidents;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/rules.md order independence over the whole pipeline: findings are a function of the set of input entries. The
 * {@link Incidents} export is run as one file, then re-split into other files in other line orders, and with
 * duplicated lines; every run must give the same finding_ids. No output of any run may contain the SetMasterAuth
 * password of the input.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class ExportOrderIndependenceTest {
  @TempDir static Path tmp;

  private static List<String> exportLines;
  private static Path metadataFile;
  private static RunResult baseline;

  /** The findings of one run and where its output went. */
  record RunResult(Path outputDir, List<JsonNode> findings) {
    List<String> sortedIds() {
      return findings.stream().map(f -> f.get("finding_id").asText()).sorted().toList();
    }

    Map<String, Integer> countByRule() {
      Map<String, Integer> counts = new TreeMap<>();
      findings.forEach(f -> counts.merge(f.get("rule_id").asText(), 1, Integer::sum));
      return counts;
    }

    JsonNode only(String ruleId) {
      List<JsonNode> matching = findings.stream().filter(f -> f.get("rule_id").asText().equals(ruleId)).toList();
      assertThat(ruleId, matching.size(), is(1));
      return matching.get(0);
    }
  }

  @BeforeAll
  static void runTheExportAsOneFile() throws IOException {
    List<String> lines = new ArrayList<>();
    Incidents.clusterManagerEntries().forEach(entry -> lines.add(entry.line()));
    lines.addAll(Incidents.otherServiceLines());
    String k8s = Incidents.otherServiceLines().get(1);
    lines.add(k8s.substring(0, k8s.length() / 2)); // a truncated record: dead letter
    lines.add("   ");
    exportLines = List.copyOf(lines);

    metadataFile = tmp.resolve("cai/clusters.json");
    Files.createDirectories(metadataFile.getParent());
    Files.write(metadataFile, Incidents.metadataLines(), StandardCharsets.UTF_8);

    baseline = run("one-file", List.of(exportLines));
  }

  /** Writes {@code files} as hourly sink files under a fresh input directory and runs the pipeline over them. */
  static RunResult run(String name, List<List<String>> files) {
    try {
      Path input = tmp.resolve(name + "/in/cloudaudit.googleapis.com/activity/2026/11/10");
      Files.createDirectories(input);
      for (int i = 0; i < files.size(); i++) {
        Files.write(input.resolve(String.format("%02d-00-00_%02d-59-59_S%d.json", i, i, i)), files.get(i),
            StandardCharsets.UTF_8);
      }
      Path output = tmp.resolve(name + "/out");
      GkeAuditOptions options = PipelineOptionsFactory.fromArgs(
              "--inputFiles=" + tmp.resolve(name + "/in") + "/**",
              "--clusterMetadata=" + metadataFile,
              "--trustedCidrs=" + Incidents.TRUSTED_CIDRS,
              "--outputDir=" + output,
              // Checking every bundle for mutated inputs doubles the run time; the DoFns of detection keep the check
              // in OrderedDetectionStreamTest, and encodability stays checked here.
              "--enforceImmutability=false")
          .as(GkeAuditOptions.class);
      PipelineResult.State state = GkeAuditPipeline.build(options).run().waitUntilFinish();
      assertThat(state, is(PipelineResult.State.DONE));
      List<JsonNode> findings = new ArrayList<>();
      for (String line : readAll(output.resolve("findings"))) {
        findings.add(Rows.parse(line));
      }
      return new RunResult(output, findings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> readAll(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return lines;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).forEach(lines::add);
      }
    }
    return lines;
  }

  /** The lines shuffled and cut into 2 to 5 files at random points. */
  private static List<List<String>> reSplit(List<String> lines, Random random) {
    List<String> shuffled = new ArrayList<>(lines);
    Collections.shuffle(shuffled, random);
    int fileCount = 2 + random.nextInt(4);
    List<Integer> cuts = new ArrayList<>();
    for (int i = 1; i < fileCount; i++) {
      cuts.add(random.nextInt(shuffled.size() + 1));
    }
    Collections.sort(cuts);
    cuts.add(shuffled.size());
    List<List<String>> files = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      files.add(new ArrayList<>(shuffled.subList(from, cut)));
      from = cut;
    }
    return files;
  }

  private static void assertNoSecretIn(RunResult result) throws IOException {
    List<String> outputs = new ArrayList<>();
    for (String kind : List.of("findings", "events", "deadletter")) {
      List<String> lines = readAll(result.outputDir().resolve(kind));
      assertThat(kind + " output is written", lines, not(empty()));
      outputs.addAll(lines);
    }
    assertThat(outputs.stream().filter(l -> l.contains(Incidents.SECRET)).toList(), is(empty()));
    // The request that held it is there, redacted.
    assertThat(outputs.stream().filter(l -> l.contains("SetMasterAuth") && l.contains("[REDACTED]")).count() > 0, is(true));
  }

  @Test
  void oneFileGivesTheExpectedFindings() throws IOException {
    assertThat(exportLines.stream().filter(l -> l.contains(Incidents.SECRET)).count(), is(1L));
    assertThat(baseline.countByRule(), is(new TreeMap<>(Incidents.expectedCounts())));
    assertThat(baseline.sortedIds().stream().distinct().count(), is((long) baseline.findings().size()));
    // Enrichment reached the findings: the production cluster raised version-downgrade to CRITICAL.
    JsonNode downgrade = baseline.only("version-downgrade");
    assertThat(downgrade.get("severity").asText(), is("CRITICAL"));
    assertThat(downgrade.get("environment").asText(), is("prod"));
    // The rotation started at T0 + 30 h has its deadline after the input's last entry (T0 + 40 h): not reported.
    assertThat(baseline.findings().stream().map(f -> f.get("cluster_name").asText()).toList(), not(hasItem("c-late")));
    assertNoSecretIn(baseline);
  }

  @ParameterizedTest(name = "permutation seed {0}")
  @ValueSource(longs = {1, 2, 3, 4})
  void reSplitAndReorderedExportGivesTheSameFindingIds(long seed) throws IOException {
    RunResult result = run("permutation-" + seed, reSplit(exportLines, new Random(seed)));

    assertThat(result.sortedIds(), not(empty()));
    assertThat(result.sortedIds(), is(baseline.sortedIds()));
    assertNoSecretIn(result);
  }

  /**
   * The fifth permutation also repeats lines, as overlapping sinks and redelivery do: every ClusterManager entry at
   * least twice, some lines three times. No rule counts an entry twice: near misses (three changes on a cluster, four
   * denied calls, two changes on each fleet cluster) stay below their thresholds, stalled rotations, failed operations
   * and per-entry findings are reported once, and a repeated {@code last} is not an orphan of its own operation.
   */
  @Test
  void duplicatedLinesGiveTheSameFindingIdsAndEveryRuleCountsAnEntryOnce() throws IOException {
    Random random = new Random(5);
    List<String> withDuplicates = new ArrayList<>(exportLines);
    int clusterManagerLines = 0;
    for (String line : exportLines) {
      if (line.contains("\"serviceName\":\"container.googleapis.com\"")) {
        withDuplicates.add(line);
        clusterManagerLines++;
      }
      if (random.nextInt(4) == 0) {
        withDuplicates.add(line);
      }
    }
    assertThat(clusterManagerLines, is(Incidents.clusterManagerEntries().size()));

    RunResult result = run("permutation-5-with-duplicates", reSplit(withDuplicates, random));

    assertThat(result.countByRule(), is(new TreeMap<>(Incidents.expectedCounts())));
    assertThat(result.sortedIds(), is(baseline.sortedIds()));
    assertNoSecretIn(result);
  }
}
