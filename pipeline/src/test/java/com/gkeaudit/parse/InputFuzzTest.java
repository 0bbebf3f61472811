package com.gkeaudit.parse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gkeaudit.model.MaintenancePolicy;
import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.io.ClusterMetadataParser;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Redactor;
import com.gkeaudit.model.Times;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing (Jazzer) of what reads untrusted input: the entry parser with its strict scan, the
 * redaction, and the cluster-metadata parser. One fuzz test dispatches over the targets on the first input byte,
 * because Jazzer fuzzes one test per JVM.
 *
 * <p>The test command replays the corpus in {@code src/test/resources/com/gkeaudit/parse/InputFuzzTestInputs/fuzz}
 * and then fuzzes for a few seconds (surefire execution {@code fuzz}); {@code scripts/fuzz.sh} fuzzes longer. Every
 * input the fuzzer finds failing is kept in that directory and so becomes a regression test of its own.
 */
@Tag("jazzer")
class InputFuzzTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String MARKER = "S3CRETMARK";

  @FuzzTest(maxDuration = "5s")
  void fuzz(FuzzedDataProvider data) throws IOException {
    switch (data.consumeInt(0, 3)) {
      case 0 -> entryParser(data.consumeRemainingAsBytes());
      case 1 -> strictScanAgreesWithJackson(data.consumeRemainingAsBytes());
      case 2 -> redaction(data);
      default -> metadataParser(data.consumeRemainingAsString());
    }
  }

  /** Any bytes give exactly one outcome, never an exception, and a time only inside the accepted range. */
  static void entryParser(byte[] record) {
    ParseOutcome outcome = LogEntryParser.parse(record, "fuzz");
    if (outcome == null) {
      throw new AssertionError("no outcome");
    }
    if (outcome.isLogEntry() && (outcome.timeNanos() < Times.MIN_NANOS || outcome.timeNanos() >= Times.MAX_NANOS)) {
      throw new AssertionError("time outside the accepted range: " + outcome.timeNanos());
    }
    if (outcome.kind() == ParseOutcome.Kind.DEAD_LETTER) {
      DeadLetter row = DeadLetter.of(outcome.reason(), outcome.error(), "fuzz", 1L, record, 0, record.length,
          record.length, null);
      if (row.rawRecord() == null || row.reason() == null) {
        throw new AssertionError("incomplete dead letter");
      }
    }
    Long time = LogEntryParser.eventTimeNanos(record);
    if (time != null && (time < Times.MIN_NANOS || time >= Times.MAX_NANOS)) {
      throw new AssertionError("event time outside the accepted range: " + time);
    }
  }

  /** What the strict scan vouches for, Jackson accepts, with the same timestamps. */
  static void strictScanAgreesWithJackson(byte[] record) {
    StrictJsonScan scan = StrictJsonScan.scan(record, 0, record.length);
    if (scan == null) {
      return;
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(record);
    } catch (IOException e) {
      throw new AssertionError("the scan accepted what Jackson rejects: " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new AssertionError("the scan accepted a non-object");
    }
    if (!same(scan.timestamp, tree.get("timestamp")) || !same(scan.receiveTimestamp, tree.get("receiveTimestamp"))) {
      throw new AssertionError("the scan read other timestamps than Jackson");
    }
  }

  private static boolean same(String scanned, JsonNode node) {
    return scanned == null ? node == null || !node.isTextual() : node != null && scanned.equals(node.asText());
  }

  /**
   * A JSON object built from the input, secret members (names in any case, snake_case, or \\u-escaped) holding the
   * marker: neither the text redaction (whole or cut anywhere, as a dead letter keeps it) nor the tree scrubber lets
   * the marker through.
   */
  static void redaction(FuzzedDataProvider data) throws IOException {
    StringBuilder json = new StringBuilder("{");
    ObjectNode expectedTree = JsonNodeFactory.instance.objectNode();
    int members = data.consumeInt(1, 6);
    for (int i = 0; i < members; i++) {
      if (i > 0) {
        json.append(',');
      }
      boolean secret = data.consumeBoolean();
      String name = secret ? secretName(data) : "n" + i + data.consumeString(8).replaceAll("[^A-Za-z]", "");
      json.append(secret ? escapeName(name, data) : MAPPER.writeValueAsString(name)).append(':');
      String filler = data.consumeString(40);
      String value = secret ? MARKER + filler : filler.replace(MARKER, "");
      switch (data.consumeInt(0, 2)) {
        case 0 -> json.append(MAPPER.writeValueAsString(value));
        case 1 -> json.append("[").append(MAPPER.writeValueAsString(value)).append(",{\"x\":")
            .append(MAPPER.writeValueAsString(value)).append("}]");
        default -> json.append("{\"inner\":").append(MAPPER.writeValueAsString(value)).append("}");
      }
      expectedTree.put("m" + i, secret);
    }
    json.append("}");
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    String redacted = new String(Redactor.redact(bytes, 0, bytes.length), StandardCharsets.UTF_8);
    if (redacted.contains(MARKER)) {
      throw new AssertionError("redaction let a secret through: " + redacted);
    }
    int cut = data.consumeInt(0, bytes.length);
    DeadLetter row = DeadLetter.of(DeadLetter.NOT_JSON, "fuzz", "fuzz", 1L, bytes, 0, cut, bytes.length, null);
    if (row.rawRecord().contains(MARKER)) {
      throw new AssertionError("a dead letter let a secret through: " + row.rawRecord());
    }
    String scrubbed = SecretScrubber.scrub(MAPPER.readTree(bytes)).toString();
    if (scrubbed.contains(MARKER)) {
      throw new AssertionError("the scrubber let a secret through: " + scrubbed);
    }
  }

  private static String secretName(FuzzedDataProvider data) {
    String[] names = {"password", "clientKey", "client_key", "clientCertificate", "privateKey", "secret", "token", "key"};
    String name = names[data.consumeInt(0, names.length - 1)];
    return data.consumeBoolean() ? name.toUpperCase(java.util.Locale.ROOT) : name;
  }

  /** The name as a JSON string, some of its characters written as {@code \\uXXXX}. */
  private static String escapeName(String name, FuzzedDataProvider data) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : name.toCharArray()) {
      out.append(data.consumeBoolean() ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.append('"').toString();
  }

  /** A metadata line never throws anything but its documented exception, and what it yields can be used. */
  static void metadataParser(String line) {
    ClusterMetadata metadata;
    try {
      metadata = ClusterMetadataParser.parse(line);
    } catch (ClusterMetadataParser.InvalidAssetException e) {
      return;
    }
    if (metadata == null) {
      return;
    }
    Long update = metadata.updateTimeNanos();
    if (update != null && (update < Times.MIN_NANOS || update >= Times.MAX_NANOS)) {
      throw new AssertionError("update_time outside the accepted range");
    }
    MaintenancePolicy policy = metadata.maintenancePolicy();
    if (policy != null) {
      policy.describe();
      policy.violation(Instant.parse("2026-11-02T10:00:00Z"));
      policy.violation(Instant.parse("1970-01-01T00:00:00Z"));
    }
  }
}
