package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Finding;
import com.gkeaudit.parse.LogEntryParser;
import com.gkeaudit.parse.ParseOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowsTest {
  /** docs/output.md, in order, then the suppression columns (docs/alerts-and-suppressions.md). */
  private static final List<String> SPEC_FINDING_FIELDS =
      List.of(
          "finding_id", "rule_id", "severity", "title", "description", "remediation", "event_time", "window_start",
          "window_end", "project_id", "location", "cluster_name", "principal", "caller_ip", "user_agent", "method",
          "operation_id", "evidence_insert_ids", "risk_categories", "mitre_techniques", "environment", "owner",
          "criticality", "release_channel", "master_version", "details", "detected_at",
          // docs/alerts-and-suppressions.md: suppressions.
          "suppressed", "suppressed_by");

  @Test
  void findingsSchemaIsExactlySpecSection6() throws IOException {
    Map<String, JsonNode> schema = SchemaAssertions.schema("findings");
    assertThat(new ArrayList<>(schema.keySet()), is(SPEC_FINDING_FIELDS));
    assertThat(schema.get("evidence_insert_ids").get("mode").asText(), is("REPEATED"));
    assertThat(schema.get("event_time").get("type").asText(), is("TIMESTAMP"));
    assertThat(schema.get("window_start").get("mode").asText(), is("NULLABLE"));
  }

  @Test
  void aFindingRowConforms() throws IOException {
    Finding finding =
        new Finding(
            "id", "change-burst", "MEDIUM", "t", "d", "r", 1_762_000_000_123_456_789L, 1L, null, "p", "l", "c",
            null, null, null, "SetLabels", null, List.of("a", "b"), List.of("configuration-drift"),
            List.of("T1578"), null, null, null, null, null, "{\"count\":4}", 1_762_000_000_000L, null);
    JsonNode row = Rows.finding(finding);
    SchemaAssertions.assertConforms(row, "findings");
    assertThat(row.get("event_time").asText(), is("2025-11-01T12:26:40.123456Z"));
    assertThat(row.get("window_end").isNull(), is(true));
  }

  @Test
  void anEventRowConforms() throws IOException {
    ParseOutcome outcome =
        LogEntryParser.parse(
            ("{\"insertId\":\"x\",\"logName\":\"projects/p/logs/cloudaudit.googleapis.com%2Fdata_access\","
                    + "\"timestamp\":\"2026-11-02T10:00:00Z\",\"resource\":{\"type\":\"gke_cluster\",\"labels\":"
                    + "{\"project_id\":\"p\",\"location\":\"l\",\"cluster_name\":\"c\"}},\"protoPayload\":"
                    + "{\"serviceName\":\"container.googleapis.com\",\"methodName\":"
                    + "\"google.container.v1.ClusterManager.GetCluster\",\"status\":{\"code\":7}}}")
                .getBytes(StandardCharsets.UTF_8),
            "file");
    ClusterEvent event = outcome.event();
    JsonNode row = Rows.event(event, "env", "criticality");
    SchemaAssertions.assertConforms(row, "events");
    assertThat(row.get("log_type").asText(), is("data_access"));
    assertThat(row.get("denied_call").asBoolean(), is(true));
  }

  @Test
  void aDeadLetterRowConformsAndKeepsInvalidBytesInBase64() throws IOException {
    byte[] raw = {'{', (byte) 0xC3, (byte) 0x28, '}'};
    JsonNode row = Rows.deadLetter(DeadLetter.of("invalid-utf8", "bad", "f", 3L, raw, 0, raw.length, raw.length, null));
    SchemaAssertions.assertConforms(row, "deadletter");
    assertThat(row.get("raw_record_base64").asText(), is("e8MofQ=="));
    assertThat(SchemaAssertions.violations(row, SchemaAssertions.schema("findings")).isEmpty(), is(false));
  }

  @Test
  void secretsInUnparsableRecordsAreRedactedToo() throws IOException {
    byte[] raw =
        ("{\"protoPayload\":{\"request\":{\"update\":{\"password\": \"hunter2-do-not-leak\"},\"x\":\"\u00ff"
                + "truncat")
            .getBytes(StandardCharsets.UTF_8);
    raw[raw.length - 8] = (byte) 0xC3; // invalid UTF-8 as well, so the base64 copy is checked too
    JsonNode row = Rows.deadLetter(DeadLetter.of("not-json", "bad", "f", 1L, raw, 0, raw.length, raw.length, null));
    assertThat(row.toString().contains("hunter2"), is(false));
    assertThat(new String(java.util.Base64.getDecoder().decode(row.get("raw_record_base64").asText()),
        StandardCharsets.ISO_8859_1).contains("hunter2"), is(false));
    assertThat(row.get("raw_record").asText().contains("\"password\": \"[REDACTED]\""), is(true));
  }

  @Test
  void rawRecordsAreTruncatedToTheStatedSize() throws IOException {
    byte[] raw = "y".repeat(DeadLetter.MAX_RAW_BYTES + 10).getBytes(StandardCharsets.UTF_8);
    JsonNode row = Rows.deadLetter(DeadLetter.of("too-large", "big", "f", 1L, raw, 0, raw.length, raw.length, null));
    assertThat(row.get("raw_record").asText().length(), is(DeadLetter.MAX_RAW_BYTES));
    assertThat(row.get("truncated").asBoolean(), is(true));
    assertThat(row.get("raw_size_bytes").asLong(), is((long) raw.length));
    assertThat(List.of(row.get("reason").asText()), contains("too-large"));
  }
}
