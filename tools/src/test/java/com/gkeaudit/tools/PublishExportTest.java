package com.gkeaudit.tools;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.model.Times;
import com.gkeaudit.parse.LogEntryParser;
import com.gkeaudit.parse.ParseOutcome;
import com.gkeaudit.tools.PublishExport.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay tool's pure parts, without Pub/Sub (PubsubEmulatorTest publishes for real). */
class PublishExportTest {
  private static final String TOPIC = "projects/demo-project/topics/gke-audit";

  @Test
  void defaults() {
    Settings s = Settings.parse("--topic", TOPIC);
    assertThat(s.topic(), is(TOPIC));
    assertThat(s.inputs(), is(List.of("samples/cloudaudit.googleapis.com")));
    assertThat(s.rootUrl(), nullValue());
    assertThat(s.shuffleSeed(), nullValue());
    assertThat(s.batch(), is(500));
    assertThat(s.create(), is(false));
    assertThat(s.appendAfterLast(), is(false));
  }

  @Test
  void everyOptionSpaceOrEqualsSeparated() {
    Settings s =
        Settings.parse(
            "--topic=" + TOPIC, "--input", "a/b, c/**/*.json.gz", "--pubsubRootUrl=http://localhost:8085/",
            "--shuffle", "-7", "--batch=1000", "--create", "--subscription", "projects/demo-project/subscriptions/sub",
            "--append-after-last");
    assertThat(s.inputs(), is(List.of("a/b", "c/**/*.json.gz")));
    assertThat(s.rootUrl(), is("http://localhost:8085"));
    assertThat(s.shuffleSeed(), is(-7L));
    assertThat(s.batch(), is(1000));
    assertThat(s.create(), is(true));
    assertThat(s.subscription(), is("projects/demo-project/subscriptions/sub"));
    assertThat(s.appendAfterLast(), is(true));
  }

  @Test
  void badArgumentsAreOneLineErrors() {
    assertBad("--topic projects/PROJECT/topics/TOPIC is required");
    assertBad("--topic must look like projects/PROJECT/topics/TOPIC", "--topic", "gke-audit");
    assertBad("--topic must look like", "--topic", "projects/p/topics/ab"); // names have at least 3 characters
    assertBad("--topic needs a value", "--topic");
    assertBad("--batch must be a whole number from 1 to 1000", "--topic", TOPIC, "--batch", "1001");
    assertBad("--batch must be", "--topic", TOPIC, "--batch", "0");
    assertBad("--batch must be", "--topic", TOPIC, "--batch", "many");
    assertBad("--shuffle needs a whole-number seed", "--topic", TOPIC, "--shuffle", "x");
    assertBad("--pubsubRootUrl must look like http://HOST:PORT", "--topic", TOPIC, "--pubsubRootUrl", "localhost:1");
    assertBad("--subscription only goes with --create", "--topic", TOPIC, "--subscription",
        "projects/p/subscriptions/sub");
    assertBad("unknown argument: --bogus", "--topic", TOPIC, "--bogus");
    assertBad("--create takes no value", "--topic", TOPIC, "--create=yes");
  }

  @Test
  void badArgumentsExitWith2AndOneLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        PublishExport.run(
            new String[] {"--topic", "nope"}, new PrintStream(OutputStream.nullOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    assertThat(code, is(2));
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text, containsString("PublishExport: error: --topic must look like"));
    assertThat(text.strip().lines().count(), is(1L));
  }

  @Test
  void anInputThatMatchesNothingExitsWith2(@TempDir Path dir) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        PublishExport.run(
            new String[] {"--topic", TOPIC, "--input", dir + "/*.json", "--pubsubRootUrl", "http://localhost:1"},
            new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of());
    assertThat(code, is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("matches no file"));
  }

  @Test
  void withoutRootUrlTheEmulatorHostVariableWinsOverTheService() {
    Settings s = Settings.parse("--topic", TOPIC);
    assertThat(PublishExport.rootUrl(s, Map.of("PUBSUB_EMULATOR_HOST", "localhost:8432")), is("http://localhost:8432"));
    assertThat(PublishExport.rootUrl(s, Map.of()), is(PubsubRest.SERVICE_ROOT_URL));
    Settings explicit = Settings.parse("--topic", TOPIC, "--pubsubRootUrl", "http://127.0.0.1:9");
    assertThat(PublishExport.rootUrl(explicit, Map.of("PUBSUB_EMULATOR_HOST", "localhost:8432")), is("http://127.0.0.1:9"));
  }

  @Test
  void theTimestampAttributeIsTheTopLevelTimestampOfAValidEntry() {
    assertThat(ts("{\"insertId\":\"a\",\"timestamp\":\"2026-11-02T10:00:00.123456Z\",\"x\":{\"timestamp\":\"no\"}}"),
        is("2026-11-02T10:00:00.123456Z"));
    // nested timestamps come first but do not count
    assertThat(ts("{\"protoPayload\":{\"timestamp\":\"2020-01-01T00:00:00Z\"},\"timestamp\":\"2026-11-02T10:00:00Z\"}"),
        is("2026-11-02T10:00:00Z"));
    assertThat(ts("{\"timestamp\":\"2026-11-02T11:00:00.5+01:00\"}  "), is("2026-11-02T11:00:00.5+01:00"));
    // broken lines: no attribute
    assertThat(ts("{\"receiveTimestamp\":\"2026-11-02T10:00:00Z\"}"), nullValue());
    assertThat(ts("{\"timestamp\":\"yesterday\"}"), nullValue());
    assertThat(ts("{\"timestamp\":1762077600}"), nullValue());
    assertThat(ts("{\"timestamp\":\"2026-11-02T10:00:00Z\""), nullValue()); // truncated
    assertThat(ts("{\"timestamp\":\"2026-11-02T10:00:00Z\"} {}"), nullValue()); // two values
    assertThat(ts("[{\"timestamp\":\"2026-11-02T10:00:00Z\"}]"), nullValue());
    assertThat(ts("\"{\\\"timestamp\\\":\\\"2026-11-02T10:00:00Z\\\"}\""), nullValue()); // a JSON string
    assertThat(ts("2026-11-02T20:03:54.148593539Z ERROR logging sink: write failed"), nullValue());
    byte[] invalidUtf8 = "{\"timestamp\":\"2026-11-02T10:00:00Z\",\"x\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(PublishExport.timestampAttribute(invalidUtf8), nullValue());
  }

  @Test
  void blankLinesAreWhitespaceOnly() {
    assertThat(PublishExport.isBlank(new byte[0]), is(true));
    assertThat(PublishExport.isBlank(" \t\r ".getBytes(StandardCharsets.US_ASCII)), is(true));
    assertThat(PublishExport.isBlank(" x ".getBytes(StandardCharsets.US_ASCII)), is(false));
  }

  @Test
  void theAfterTheLastEntryIsAnOrdinaryOtherServiceEntryOneSecondLater() throws IOException {
    long latest = Times.parseRfc3339("2026-11-11T23:56:18.945485Z");
    byte[] entry = PublishExport.afterTheLastEntry(latest, "acme-prod-platform");
    assertThat(PublishExport.timestampAttribute(entry), is("2026-11-11T23:56:19.945485Z"));
    assertArrayEquals(entry, PublishExport.afterTheLastEntry(latest, "acme-prod-platform"), "deterministic");
    JsonNode json = new ObjectMapper().readTree(entry);
    assertThat(json.path("protoPayload").path("serviceName").asText(), is("k8s.io"));
    assertThat(json.path("logName").asText(), is("projects/acme-prod-platform/logs/cloudaudit.googleapis.com%2Fdata_access"));
    assertThat(json.path("insertId").asText(), not(""));
    // The pipeline's own parser reads it as another service's entry at that time: counted, never a finding.
    ParseOutcome outcome = LogEntryParser.parse(entry, "publish-export");
    assertThat(outcome.toString(), outcome.kind(), is(ParseOutcome.Kind.OTHER_SERVICE));
    assertThat(outcome.timeNanos(), is(latest + 1_000_000_000L));
    // a whole second on a time without fraction
    assertThat(
        PublishExport.timestampAttribute(PublishExport.afterTheLastEntry(Times.parseRfc3339("2026-11-11T23:59:59Z"), "p")),
        is("2026-11-12T00:00:00Z"));
  }

  @Test
  void theProjectOfTheAfterTheLastEntryIsTheLatestEntrysProject() {
    assertThat(PublishExport.projectOf("projects/acme-staging-apps/logs/cloudaudit.googleapis.com%2Factivity"),
        is("acme-staging-apps"));
    assertThat(PublishExport.projectOf(null), is("gke-audit-replay"));
    assertThat(PublishExport.projectOf("organizations/1/logs/x"), is("gke-audit-replay"));
  }

  @Test
  void shuffleIsDeterministicPerSeed() {
    List<Integer> a = shuffled(42);
    assertThat(a, is(shuffled(42)));
    assertThat(a, not(shuffled(43)));
    assertThat(a, not(IntStream.range(0, 100).boxed().toList()));
    assertThat(a.stream().sorted().toList(), is(IntStream.range(0, 100).boxed().toList()));
  }

  @Test
  void linesAreReadByteExactFromPlainAndGzipFiles(@TempDir Path dir) throws IOException {
    byte[] content = "a\r\n\n  \n{\"x\":1}\nlast-without-newline".getBytes(StandardCharsets.UTF_8);
    Path plain = Files.write(dir.resolve("x.json"), content);
    Path gz = dir.resolve("sub/y.json.gz");
    Files.createDirectories(gz.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(content);
    }
    List<String> expected = List.of("a\r", "", "  ", "{\"x\":1}", "last-without-newline");
    assertThat(lines(plain), is(expected));
    assertThat(lines(gz), is(expected));
    assertThat(PublishExport.files(List.of(dir.toString())), is(List.of(gz, plain)));
    assertThat(PublishExport.files(List.of(dir + "/**.gz")), is(List.of(gz)));
    assertThat(PublishExport.files(List.of(plain.toString())), is(List.of(plain)));
    assertThrows(IllegalArgumentException.class, () -> PublishExport.files(List.of(dir + "/missing")));
  }

  @Test
  void theSamplesDirectoryHasItsFiles() {
    Path samples = Path.of("..", PublishExport.DEFAULT_INPUT);
    assertThat(PublishExport.files(List.of(samples.toString())).size(), is(494));
    assertThat(PublishExport.files(List.of(samples + "/**")).size(), is(494));
  }

  private static List<Integer> shuffled(long seed) {
    List<Integer> list = new ArrayList<>(IntStream.range(0, 100).boxed().toList());
    PublishExport.shuffle(list, seed);
    return list;
  }

  private static List<String> lines(Path file) {
    List<String> lines = new ArrayList<>();
    PublishExport.readLines(file, line -> lines.add(new String(line, StandardCharsets.UTF_8)));
    return lines;
  }

  private static String ts(String line) {
    return PublishExport.timestampAttribute(line.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertBad(String message, String... args) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.parse(args));
    assertThat(e.getMessage(), containsString(message));
    assertThat(e.getMessage().contains("\n"), is(false));
  }
}
