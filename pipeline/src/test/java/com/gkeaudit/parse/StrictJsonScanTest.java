package com.gkeaudit.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast scan may only vouch for what Jackson accepts, with the same timestamps (its whole contract). */
class StrictJsonScanTest {
  private static final JsonFactory JACKSON = new JsonFactory();
  private static final String STRUCTURAL = "{}[]\",:\\ 0-.eE";

  /** Jackson's reading: {timestamp, receiveTimestamp} of a valid top-level object, or null when invalid. */
  private static String[] jackson(byte[] line) {
    try (JsonParser parser = JACKSON.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String[] out = new String[2];
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && name.equals("timestamp")) {
          out[0] = parser.getText();
        } else if (value == JsonToken.VALUE_STRING && name.equals("receiveTimestamp")) {
          out[1] = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
      while (parser.nextToken() != null) {
        parser.skipChildren();
      }
      return out;
    } catch (IOException e) {
      return null;
    }
  }

  private static void assertAgrees(byte[] line) {
    StrictJsonScan scan = StrictJsonScan.scan(line, 0, line.length);
    if (scan != null) {
      String[] expected = jackson(line);
      String shown = new String(line, StandardCharsets.ISO_8859_1);
      assertThat("scan vouched for what Jackson rejects: " + shown, expected, notNullValue());
      assertThat(shown, scan.timestamp, is(expected[0]));
      assertThat(shown, scan.receiveTimestamp, is(expected[1]));
      if (scan.serviceName != null) {
        try {
          assertThat(shown, scan.serviceName,
              is(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).path("protoPayload").path("serviceName").asText()));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void vouchesForOrdinaryEntriesAndReadsTheirTimestamps() throws IOException {
    for (String name :
        new String[] {
          "k8s_cluster_khi_k8s_audit_pods_create.json", "k8s_cluster_elastic_anonymous_readyz_data_access.json",
          "k8s_cluster_elastic_nodes_list_console_data_access.json", "khi_gke_audit_cluster_creation_started.json"
        }) {
      byte[] line = LogEntryParserTest.sampleLine(name);
      StrictJsonScan scan = StrictJsonScan.scan(line, 0, line.length);
      assertThat(name, scan, notNullValue());
      assertThat(name, scan.timestamp, is(jackson(line)[0]));
    }
    byte[] mixed = bytes(" {\"a\":[1,-2.5e3,true,null,{\"b\":\"\\u00e9\\n\u00e9\"}],\"receiveTimestamp\":\"x\"} ");
    StrictJsonScan scan = StrictJsonScan.scan(mixed, 0, mixed.length);
    assertThat(scan.receiveTimestamp, is("x"));
  }

  @Test
  void declinesWhatItCannotVouchFor() {
    for (String text :
        new String[] {
          "", "[]", "\"s\"", "{", "{\"a\":}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":tru}", "{\"a\":1}x", "{\"a\":\"\t\"}",
          "{\"a\":\"\\x\"}", "{\"timestamp\":\"a\\\"b\"}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":NaN}", "{'a':1}"
        }) {
      assertThat(text, StrictJsonScan.scan(bytes(text), 0, text.length()), nullValue());
    }
    byte[] invalidUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertThat(StrictJsonScan.scan(invalidUtf8, 0, invalidUtf8.length), nullValue());
    byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
    assertThat(StrictJsonScan.scan(overlong, 0, overlong.length), nullValue());
    String deep = "{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}";
    assertThat(StrictJsonScan.scan(bytes(deep), 0, deep.length()), nullValue());
  }

  @Test
  void neverVouchesForWhatJacksonRejectsUnderMutation() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (String name :
        new String[] {
          "k8s_cluster_khi_k8s_audit_pods_create.json", "k8s_cluster_elastic_nodes_list_console_data_access.json",
          "khi_gke_audit_cluster_creation_finished.json"
        }) {
      seeds.add(LogEntryParserTest.sampleLine(name));
    }
    SplittableRandom random = new SplittableRandom(7L);
    int vouched = 0;
    for (int i = 0; i < 30_000; i++) {
      byte[] line = seeds.get(random.nextInt(seeds.size())).clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        int at = random.nextInt(line.length);
        line[at] = switch (random.nextInt(4)) {
          case 0 -> (byte) random.nextInt(256);
          case 1 -> (byte) STRUCTURAL.charAt(random.nextInt(STRUCTURAL.length()));
          case 2 -> (byte) (0x80 + random.nextInt(128));
          default -> (byte) ('a' + random.nextInt(26));
        };
      }
      StrictJsonScan scan = StrictJsonScan.scan(line, 0, line.length);
      if (scan != null) {
        vouched++;
      }
      assertAgrees(line);
    }
    // Most single-byte changes inside strings keep a line valid: the scan must still be useful on them.
    assertThat(vouched, greaterThan(1000));
  }
}
