package com.gkeaudit.parse;

import com.gkeaudit.model.Redactor;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import com.gkeaudit.model.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Issue 13 items 1 and 6: one redaction for raw records, error texts and excerpts. */
class RedactorTest {
  private static String redact(String text) {
    return Redactor.redact(text);
  }

  /** Found by InputFuzzTest: the closing quote of a redacted value was scanned again and hid the next member's name. */
  @Test
  void aSecretRightAfterARedactedStringIsRedactedToo() {
    assertThat(
        redact("{\"token\":\"abc\",\"CLIENT_KEY\":\"s3cr3t\",\"key\":\"k\",\"other\":\"kept\"}"),
        is("{\"token\":\"[REDACTED]\",\"CLIENT_KEY\":\"[REDACTED]\",\"key\":\"[REDACTED]\",\"other\":\"kept\"}"));
  }

  @Test
  void aLongSecretValueInACutRecordIsRedactedWithoutRecursion() {
    // The old pattern recursed per character: 20,000 characters overflowed the stack and stopped the job.
    String cut = "{\"password\":\"" + "A".repeat(2_000_000);
    long started = System.nanoTime();
    String out = redact(cut);
    assertThat(out, is("{\"password\":\"[REDACTED]"));
    assertThat((System.nanoTime() - started) / 1_000_000L, lessThan(2_000L));
    DeadLetter row = DeadLetter.of(DeadLetter.NOT_JSON, "x", "s", 1L, cut.getBytes(StandardCharsets.UTF_8), 0,
        cut.length(), cut.length(), null);
    assertThat(row.rawRecord(), not(containsString("AAAA")));
  }

  @Test
  void everySecretNameTheEventScrubberKnowsIsRedactedInRawText() {
    for (String name :
        new String[] {"password", "clientKey", "client_key", "clientCertificate", "privateKey", "secret", "token",
          "key", "Password", "CLIENT-KEY"}) {
      String out = redact("{\"" + name + "\": \"s3cr3t-marker\", \"other\": 1}");
      assertThat(name, out, not(containsString("s3cr3t-marker")));
      assertThat(name, out, containsString("\"other\": 1"));
      assertThat(name, SecretScrubber.scrub(JsonNodes.parse("{\"" + name + "\":\"s3cr3t-marker\"}")).toString(),
          not(containsString("s3cr3t-marker")));
    }
  }

  @Test
  void escapedNamesUnquotedValuesAndWholeContainersAreRedacted() {
    assertThat(redact("{\"pass\\u0077ord\":\"s3cr3t\"}"), is("{\"pass\\u0077ord\":\"[REDACTED]\"}"));
    assertThat(redact("{\"\\u0070assword\":\"s3cr3t\"}"), not(containsString("s3cr3t")));
    assertThat(redact("{\"password\": hunter2, \"a\":1}"), is("{\"password\": [REDACTED], \"a\":1}"));
    assertThat(redact("{\"password\":123456}"), is("{\"password\":[REDACTED]}"));
    assertThat(redact("{password: 'hunter2'}"), is("{password: '[REDACTED]'}"));
    assertThat(redact("login failed for password=hunter2 user=bob"), is("login failed for password=[REDACTED] user=bob"));
    assertThat(redact("{\"clientKey\":{\"pem\":\"abc\",\"n\":[1,{\"x\":\"}\"}]},\"b\":2}"),
        is("{\"clientKey\":\"[REDACTED]\",\"b\":2}"));
    assertThat(redact("{\"token\":[\"abc\",\"def\""), is("{\"token\":\"[REDACTED]\""));
  }

  @Test
  void clearedCredentialsAndLookalikeNamesAreKept() {
    String kept = "{\"password\":\"\",\"token\":null,\"keyName\":\"projects/p/keys/k\",\"description\":\"a password: x\"}";
    assertThat(redact(kept), is(kept));
  }

  @Test
  void invalidUtf8OutsideSecretsIsKeptByteForByte() {
    byte[] raw = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xc3, '"', ',', '"', 'k', 'e', 'y', '"', ':', '"',
      'z', '"', '}'};
    byte[] out = Redactor.redact(raw, 0, raw.length);
    assertThat(new String(out, StandardCharsets.ISO_8859_1),
        is(new String(raw, 0, 10, StandardCharsets.ISO_8859_1) + "\"key\":\"[REDACTED]\"}"));
  }

  @Test
  void jacksonsErrorExcerptDoesNotLeakAnUnquotedSecret() {
    ParseOutcome outcome = LogEntryParser.parse(
        "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"protoPayload\":{\"password\": hunter2marker}}"
            .getBytes(StandardCharsets.UTF_8), "t");
    assertThat(outcome.kind(), is(ParseOutcome.Kind.DEAD_LETTER));
    assertThat(outcome.error(), not(containsString("hunter2marker")));
    assertThat(outcome.error(), containsString("Unrecognized token"));
    DeadLetter row = DeadLetter.of(outcome.reason(), "reading failed near password: \"hunter2marker\"", "s", 1L,
        new byte[0], 0, 0, 0, null);
    assertThat(row.error(), not(containsString("hunter2marker")));
  }

  /** Tiny helper so the tests read JSON without a checked exception. */
  static final class JsonNodes {
    static com.fasterxml.jackson.databind.JsonNode parse(String json) {
      try {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(e);
      }
    }
  }

  /**
   * A payload logged as a string holds JSON of its own: its secrets are redacted as JSON, at every level of such
   * nesting up to Redactor.MAX_NESTING, and the record stays valid JSON with the rest of each level kept.
   */
  @Test
  void jsonHeldInAStringIsRedactedAsJsonAtEveryLevel() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    String record = "{\"token\":\"S3CRETMARK\",\"kept\":\"a \\\"quoted\\\" word\"}";
    for (int level = 1; level <= Redactor.MAX_NESTING; level++) {
      record = mapper.writeValueAsString(java.util.Map.of("payload", record));
      String redacted = redact(record);
      assertThat("level " + level, redacted, not(containsString("S3CRETMARK")));
      String inner = redacted;
      for (int i = 0; i < level; i++) {
        inner = mapper.readTree(inner).path("payload").textValue();
      }
      assertThat("level " + level, mapper.readTree(inner).path("token").textValue(), is(Redactor.REDACTED));
      assertThat("level " + level, mapper.readTree(inner).path("kept").textValue(), is("a \"quoted\" word"));
    }
  }

  /** Found in review: a dead letter's raw record held an escaped request body, and its password was copied out. */
  @Test
  void anEscapedRequestBodyInARawRecordIsRedacted() {
    assertThat(
        redact("{\"body\":\"{\\\"password\\\":\\\"hunter2\\\",\\\"user\\\":\\\"admin\\\"}\"}"),
        is("{\"body\":\"{\\\"password\\\":\\\"[REDACTED]\\\",\\\"user\\\":\\\"admin\\\"}\"}"));
    String prose = "{\"description\":\"the \\\"password\\\" field: see docs\"}";
    assertThat(redact(prose), is(prose));
  }
}
