package com.gkeaudit.tools;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class SampleExportGeneratorTest {

  @TempDir
  static Path tmp;

  static Path defaultOut;
  static SampleExportGenerator.Summary defaultSummary;
  static ExportReader defaultRead;
  static JsonNode defaultExpected;

  @BeforeAll
  static void generateDefault() throws IOException {
    defaultOut = tmp.resolve("default");
    defaultSummary = SampleExportGenerator.generate(new SampleExportGenerator.Config(defaultOut).quiet(true));
    defaultRead = ExportReader.read(defaultOut);
    defaultExpected = ExportReader.MAPPER.readTree(defaultOut.resolve("expected.json").toFile());
  }

  // ------------------------------------------------------------------------------------------------ determinism

  @Test
  void sameConfigGivesByteIdenticalFiles() throws IOException {
    Path again = tmp.resolve("again");
    SampleExportGenerator.generate(new SampleExportGenerator.Config(again).quiet(true).threads(1));
    Map<String, byte[]> a = snapshot(defaultOut);
    Map<String, byte[]> b = snapshot(again);
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k), b.get(k), k);
    }
  }

  @Test
  void anotherSeedChangesTheNoiseButNotTheStory() throws IOException {
    Path other = tmp.resolve("seed7");
    SampleExportGenerator.generate(new SampleExportGenerator.Config(other).seed(7).quiet(true));
    assertThat(Files.readAllBytes(other.resolve("expected.json")).length, greaterThan(0));
    JsonNode exp = ExportReader.MAPPER.readTree(other.resolve("expected.json").toFile());
    assertEquals(defaultExpected.path("incidents").size(), exp.path("incidents").size());
    Map<String, byte[]> a = snapshot(other);
    Map<String, byte[]> b = snapshot(defaultOut);
    long differing = a.keySet().stream().filter(k -> !b.containsKey(k) || !java.util.Arrays.equals(a.get(k), b.get(k)))
        .count();
    assertThat(differing, greaterThan(100L));
  }

  // ------------------------------------------------------------------------------------------------ accounting

  @Test
  void accountingMatchesAnIndependentCount() {
    JsonNode acc = defaultExpected.path("accounting");
    ExportReader r = defaultRead;
    assertEquals(acc.path("totalLines").asLong(), r.total, "totalLines");
    assertEquals(acc.path("emptyLines").asLong(), r.empty, "emptyLines");
    assertEquals(acc.path("badLines").asLong(), r.bad, "badLines");
    assertEquals(acc.path("duplicateLines").asLong(), r.duplicates, "duplicateLines");
    assertEquals(acc.path("k8sLines").asLong(), r.otherCount, "k8sLines");
    assertEquals(acc.path("clusterManagerEntries").asLong(), r.clusterManager.size(), "clusterManagerEntries");
    assertEquals(Instant.parse(acc.path("maxEventTime").asText()), r.maxEventTime, "maxEventTime");
    assertEquals(r.total, r.empty + r.bad + r.duplicates + r.otherCount + r.clusterManager.size());
    assertEquals(defaultSummary.totalLines, r.total);
    assertEquals(8, r.bad, "one bad line of each of the 8 kinds");
    assertThat(r.empty, greaterThanOrEqualTo(3L));
    assertThat(r.duplicates, greaterThan(r.total / 200));
    assertEquals(acc.path("files").asInt(), r.files.size());
  }

  @Test
  void defaultVolumeIsSmallAndMostlyKubernetes() throws IOException {
    long bytes;
    try (Stream<Path> s = Files.walk(defaultOut)) {
      bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertThat(bytes, lessThanOrEqualTo(4_000_000L));
    double k8sShare = (double) defaultRead.others.size() / defaultRead.total;
    // 0.89, not 0.90: the behavioural scenarios (docs/behavioural-rules.md) add ~80 ClusterManager entries of history.
    assertThat(k8sShare, greaterThanOrEqualTo(0.89));
    for (JsonNode e : defaultRead.others) {
      assertEquals("k8s.io", e.path("protoPayload").path("serviceName").asText());
      assertEquals("k8s_cluster", e.path("resource").path("type").asText());
      assertEquals(e.path("insertId").asText(), e.path("operation").path("id").asText());
    }
    long mentions = defaultRead.lines.stream().filter(l -> l.kind().equals("other"))
        .filter(l -> l.text().contains("container.googleapis.com")).count();
    assertThat("k8s lines that merely mention container.googleapis.com", mentions, greaterThan(5L));
  }

  @Test
  void layoutIsACloudStorageSink() {
    Set<String> shards = new TreeSet<>();
    for (Path f : defaultRead.files) {
      String rel = defaultOut.relativize(f).toString();
      assertTrue(rel.matches("cloudaudit\\.googleapis\\.com/(activity|data_access)/\\d{4}/\\d{2}/\\d{2}/"
          + "(\\d{2}):00:00_\\2:59:59_[SA]0\\.json"), rel);
      shards.add(rel.substring(rel.length() - 8));
    }
    assertThat(shards, hasItem("_A0.json"));
    // every entry sits in the file of its timestamp's hour (late ones in A0)
    for (ExportReader.Line l : defaultRead.lines) {
      if (l.entry() == null || !l.entry().has("timestamp")) {
        continue;
      }
      String ts = l.entry().get("timestamp").asText();
      String rel = defaultOut.relativize(l.file()).toString();
      String day = ts.substring(0, 10).replace('-', '/');
      assertThat(rel, containsString(day + "/" + ts.substring(11, 13) + ":00:00_"));
      String log = l.entry().path("logName").asText();
      assertThat(rel, containsString(log.endsWith("%2Factivity") ? "/activity/" : "/data_access/"));
    }
  }

  // ------------------------------------------------------------------------------------------------ content

  @Test
  void clusterManagerEntriesLookReal() {
    int v1 = 0;
    int v1beta1 = 0;
    int internal = 0;
    int lastOnly = 0;
    for (JsonNode e : defaultRead.clusterManager) {
      JsonNode labels = e.path("resource").path("labels");
      assertTrue(labels.has("project_id") && labels.has("location") && labels.has("cluster_name"), e.toString());
      String type = e.path("resource").path("type").asText();
      assertTrue(type.equals("gke_cluster") || type.equals("gke_nodepool"), type);
      if (type.equals("gke_nodepool")) {
        assertTrue(labels.hasNonNull("nodepool_name"));
      }
      JsonNode pp = e.path("protoPayload");
      String method = pp.path("methodName").asText();
      v1 += method.startsWith("google.container.v1.") ? 1 : 0;
      v1beta1 += method.startsWith("google.container.v1beta1.") ? 1 : 0;
      internal += method.startsWith("google.container.internal.ClusterManagerInternal.") ? 1 : 0;
      assertTrue(e.path("insertId").asText().matches("[0-9a-z]{11,12}"), e.path("insertId").asText());
      JsonNode op = e.get("operation");
      if (pp.has("request")) {
        assertThat(pp.path("request").path("@type").asText(),
            is("type.googleapis.com/google.container.v1alpha1." + method.substring(method.lastIndexOf('.') + 1)
                + "Request"));
      }
      if (op != null && op.path("last").asBoolean() && !op.path("first").asBoolean()) {
        lastOnly++;
        assertTrue(!pp.has("authenticationInfo") && !pp.has("request"), "last entries carry no auth/request");
        assertTrue(pp.path("metadata").has("operationType"));
      }
      String rn = pp.path("resourceName").asText();
      if (!labels.path("cluster_name").asText().isEmpty()) {
        String loc = labels.path("location").asText();
        boolean zonal = loc.matches(".*-[a-z]$");
        assertThat(rn, containsString((zonal ? "/zones/" : "/locations/") + loc + "/clusters/"));
      }
      String sev = e.path("severity").asText();
      boolean failed = pp.path("status").path("code").asInt(0) != 0;
      assertEquals(failed ? "ERROR" : Set.of("NOTICE", "INFO").contains(sev) ? sev : "?", sev);
    }
    assertThat(v1, greaterThan(10));
    assertThat(v1beta1, greaterThan(10));
    assertThat(internal, greaterThan(3));
    assertThat(lastOnly, greaterThan(20));
  }

  @Test
  void secretAppearsOnlyInTheSetMasterAuthRequest() {
    byte[] secret = SampleExportGenerator.SECRET.getBytes(StandardCharsets.UTF_8);
    List<ExportReader.Line> hits = new ArrayList<>();
    for (ExportReader.Line l : defaultRead.lines) {
      if (indexOf(l.bytes(), secret) >= 0) {
        hits.add(l);
      }
    }
    assertEquals(1, hits.size());
    JsonNode e = hits.get(0).entry();
    assertThat(e.path("protoPayload").path("methodName").asText(), containsString("ClusterManager.SetMasterAuth"));
    assertEquals(SampleExportGenerator.SECRET,
        e.path("protoPayload").path("request").path("update").path("password").asText());
    assertEquals(defaultExpected.path("secret").path("insert_id").asText(), e.path("insertId").asText());
    assertTrue(!new String(readQuietly(defaultOut.resolve("expected.json")), StandardCharsets.UTF_8)
        .contains(SampleExportGenerator.SECRET));
  }

  @Test
  void clusterMetadataIsACloudAssetExport() throws IOException {
    List<String> lines = Files.readAllLines(defaultOut.resolve("cluster-metadata.json"));
    assertEquals(5, lines.size(), "six clusters, one without metadata");
    int camel = 0;
    Instant firstEvent = Instant.MAX;
    for (JsonNode e : defaultRead.clusterManager) {
      Instant t = ExportReader.eventTime(e);
      firstEvent = t.isBefore(firstEvent) ? t : firstEvent;
    }
    Set<String> windows = new TreeSet<>();
    for (String line : lines) {
      JsonNode a = ExportReader.MAPPER.readTree(line);
      boolean isCamel = a.has("assetType");
      camel += isCamel ? 1 : 0;
      assertEquals("container.googleapis.com/Cluster", a.path(isCamel ? "assetType" : "asset_type").asText());
      assertTrue(a.path("name").asText().startsWith("//container.googleapis.com/projects/"));
      Instant updated = Instant.parse(a.path(isCamel ? "updateTime" : "update_time").asText());
      assertThat(updated.isBefore(firstEvent), is(true));
      JsonNode data = a.path("resource").path("data");
      assertThat(data.path("currentMasterVersion").asText(), notNullValue());
      assertTrue(data.path("resourceLabels").has("env"));
      assertEquals("RUNNING", data.path("status").asText());
      JsonNode w = data.path("maintenancePolicy").path("window");
      windows.add(w.has("recurringWindow") ? "recurring" : w.has("dailyMaintenanceWindow") ? "daily" : "none");
      if (w.has("maintenanceExclusions")) {
        windows.add("exclusion");
      }
      assertTrue(!line.contains("\"dev-sandbox\""), "dev-sandbox has no metadata line");
    }
    assertEquals(1, camel);
    assertEquals(Set.of("recurring", "daily", "none", "exclusion"), windows);
  }

  // ------------------------------------------------------------------------------------------------ findings

  @Test
  void expectedFindingsAreExactlyWhatTheRulesProduce() throws IOException {
    checkOracle(defaultOut, defaultRead, defaultExpected, false);
    checkOracle(defaultOut, defaultRead, defaultExpected, true);
    Set<String> rules = new TreeSet<>();
    for (JsonNode f : findings(defaultExpected, true)) {
      rules.add(f.path("rule_id").asText());
    }
    assertEquals(Set.of("ip-rotation-stalled", "credential-rotation-stalled", "operation-failed",
        "permission-denied-burst", "change-burst", "multi-cluster-change", "new-principal",
        "outside-maintenance-window", "version-downgrade", "posture-weakened", "untrusted-source", "unusual-client",
        "unusual-source", "rare-method", "change-volume-anomaly", "denied-then-changed"), rules);
  }

  @ParameterizedTest
  @CsvSource({"1,2026-11-03T00:00:00Z", "2,2026-11-04T00:00:00Z", "3,2026-11-05T00:00:00Z",
      "4,2026-11-06T00:00:00Z", "5,2026-11-07T00:00:00Z", "6,2026-11-08T00:00:00Z", "11,2025-03-30T00:00:00Z"})
  void findingsHoldForOtherSeedsAndWeekdays(long seed, String start) throws IOException {
    Path out = tmp.resolve("oracle-" + seed);
    SampleExportGenerator.generate(new SampleExportGenerator.Config(out).seed(seed).start(Instant.parse(start))
        .days(seed == 11 ? 12 : 10).quiet(true));
    ExportReader r = ExportReader.read(out, false);
    JsonNode exp = ExportReader.MAPPER.readTree(out.resolve("expected.json").toFile());
    checkOracle(out, r, exp, false);
    checkOracle(out, r, exp, true);
    assertEquals(exp.path("accounting").path("totalLines").asLong(), r.total);
    assertEquals(exp.path("accounting").path("duplicateLines").asLong(), r.duplicates);
    assertEquals(exp.path("accounting").path("clusterManagerEntries").asLong(), r.clusterManager.size());
  }

  private static void checkOracle(Path out, ExportReader r, JsonNode exp, boolean withCidrs) throws IOException {
    List<JsonNode> metadata = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("cluster-metadata.json"))) {
      metadata.add(ExportReader.MAPPER.readTree(line));
    }
    SpecOracle oracle = new SpecOracle(r.clusterManager, metadata, r.maxEventTime,
        withCidrs ? List.of(SampleExportGenerator.TRUSTED_CIDRS.split(",")) : List.of());
    List<SpecOracle.Finding> got = oracle.run();
    Map<String, SpecOracle.Finding> gotByKey = new TreeMap<>();
    for (SpecOracle.Finding f : got) {
      gotByKey.put(f.key(), f);
    }
    Map<String, JsonNode> wanted = new TreeMap<>();
    for (JsonNode f : findings(exp, withCidrs)) {
      String key = f.path("rule_id").asText() + "|" + f.path("severity").asText() + "|"
          + Instant.parse(f.path("event_time").asText()) + "|" + text(f, "project_id") + "|" + text(f, "location")
          + "|" + text(f, "cluster_name") + "|" + text(f, "principal");
      wanted.put(key, f);
    }
    assertEquals(wanted.keySet(), gotByKey.keySet(), "expected.json vs SPEC oracle (trustedCidrs=" + withCidrs + ")");
    assertEquals(got.size(), gotByKey.size(), "no finding twice");
    for (Map.Entry<String, JsonNode> w : wanted.entrySet()) {
      String primary = w.getValue().path("primary_insert_id").asText();
      assertThat(gotByKey.get(w.getKey()).evidence(), hasItem(primary));
      List<String> ev = new ArrayList<>();
      w.getValue().path("evidence_insert_ids").forEach(n -> ev.add(n.asText()));
      assertThat(ev, hasItem(primary));
    }
  }

  private static String text(JsonNode f, String field) {
    return f.hasNonNull(field) ? f.get(field).asText() : "null";
  }

  private static List<JsonNode> findings(JsonNode exp, boolean withCidrs) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode inc : exp.path("incidents")) {
      for (JsonNode f : inc.path("findings")) {
        if (withCidrs || f.path("requires").isNull()) {
          out.add(f);
        }
      }
    }
    return out;
  }

  @Test
  void withoutDedupeTheTrapWouldFakeAChangeBurst() throws IOException {
    List<JsonNode> withCopies = new ArrayList<>();
    for (ExportReader.Line l : defaultRead.lines) {
      if ((l.kind().equals("cm") || l.kind().equals("duplicate")) && ExportReader.isClusterManager(l.entry())) {
        withCopies.add(l.entry());
      }
    }
    List<JsonNode> metadata = new ArrayList<>();
    for (String line : Files.readAllLines(defaultOut.resolve("cluster-metadata.json"))) {
      metadata.add(ExportReader.MAPPER.readTree(line));
    }
    List<SpecOracle.Finding> naive = new SpecOracle(withCopies, metadata, defaultRead.maxEventTime, List.of()).run();
    List<SpecOracle.Finding> proper =
        new SpecOracle(defaultRead.clusterManager, metadata, defaultRead.maxEventTime, List.of()).run();
    assertThat(naive.size(), greaterThan(proper.size()));
    assertTrue(naive.stream().anyMatch(f -> f.rule().equals("change-burst") && "staging-data".equals(f.cluster())),
        "the dedupe trap on staging-data");
  }

  // ------------------------------------------------------------------------------------------------ modes

  @Test
  void bulkModeIsMostlyKubernetesAndStillHasTheIncidents() throws IOException {
    Path out = tmp.resolve("bulk");
    SampleExportGenerator.Summary s = SampleExportGenerator.generate(
        new SampleExportGenerator.Config(out).lines(25_000).threads(3).quiet(true));
    ExportReader r = ExportReader.read(out, false);
    assertThat((double) r.otherCount / r.total, greaterThanOrEqualTo(0.95));
    assertThat(Math.abs(r.total - 25_000L), lessThan(600L));
    assertEquals(s.totalLines, r.total);
    JsonNode exp = ExportReader.MAPPER.readTree(out.resolve("expected.json").toFile());
    assertEquals(exp.path("accounting").path("k8sLines").asLong(), r.otherCount);
    assertEquals(exp.path("accounting").path("duplicateLines").asLong(), r.duplicates);
    assertEquals(defaultExpected.path("incidents").size(), exp.path("incidents").size());
    assertEquals(defaultRead.clusterManager.size(), r.clusterManager.size());
    checkOracle(out, r, exp, true);
  }

  @Test
  void gzipModeHoldsTheSameBytes() throws IOException {
    Path out = tmp.resolve("gzip");
    SampleExportGenerator.generate(new SampleExportGenerator.Config(out).gzip(true).quiet(true));
    ExportReader r = ExportReader.read(out, false);
    assertEquals(defaultRead.files.size(), r.files.size());
    for (int i = 0; i < r.files.size(); i++) {
      Path gz = r.files.get(i);
      assertTrue(gz.toString().endsWith(".json.gz"));
      Path plain = defaultOut.resolve(out.relativize(gz).toString().replaceAll("\\.gz$", ""));
      assertArrayEquals(Files.readAllBytes(plain), ExportReader.readAll(gz), plain.toString());
    }
    assertEquals(defaultRead.total, r.total);
  }

  // ------------------------------------------------------------------------------------------------ CLI

  @Test
  void cliParsesAndRejects() {
    SampleExportGenerator.Config c = SampleExportGenerator.parseArgs(new String[] {"--output", "x", "--seed=7",
        "--days", "12", "--lines", "1_000_000", "--gzip", "--start", "2026-01-05"});
    assertEquals(7, c.seed());
    assertEquals(12, c.days());
    assertEquals(1_000_000, c.lines());
    assertTrue(c.gzip());
    assertEquals(Instant.parse("2026-01-05T00:00:00Z"), c.start());
    assertEquals(null, SampleExportGenerator.parseArgs(new String[] {"--help"}));
    assertThrows(IllegalArgumentException.class, () -> SampleExportGenerator.parseArgs(new String[] {}));
    assertThrows(IllegalArgumentException.class,
        () -> SampleExportGenerator.parseArgs(new String[] {"--output", "x", "--days", "3"}));
    assertThrows(IllegalArgumentException.class,
        () -> SampleExportGenerator.parseArgs(new String[] {"--output", "x", "--start", "2026-01-05T10:00:00Z"}));
    assertThrows(IllegalArgumentException.class,
        () -> SampleExportGenerator.parseArgs(new String[] {"--output", "x", "--bogus", "1"}));
    assertThrows(IllegalArgumentException.class,
        () -> SampleExportGenerator.parseArgs(new String[] {"--output", "x", "--lines", "500"}));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SampleExportGenerator.run(new String[] {"--output", defaultOut.toString()}, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code, "refuses to overwrite an export without --overwrite");
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("--overwrite"));
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static Map<String, byte[]> snapshot(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  private static byte[] readQuietly(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
