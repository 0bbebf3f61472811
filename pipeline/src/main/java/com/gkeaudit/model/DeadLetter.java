package com.gkeaudit.model;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A record that did not become a LogEntry (or could not be written), with the reason. The raw record is kept up to
 * {@link #MAX_RAW_BYTES} bytes; bytes that are not valid UTF-8 are also kept in base64 so nothing is lost to the
 * replacement character.
 */
public record DeadLetter(
    String reason,
    String error,
    String source,
    Long lineNumber,
    String rawRecord,
    String rawRecordBase64,
    long rawSizeBytes,
    boolean truncated,
    Long eventTimeNanos,
    long failedAtMillis) {

  /** The stated truncation size of {@code raw_record} (BigQuery rows stay small; the start identifies the record). */
  public static final int MAX_RAW_BYTES = 16 * 1024;

  public static final String NOT_JSON = "not-json";
  public static final String INVALID_UTF8 = "invalid-utf8";
  public static final String NOT_OBJECT = "not-object";
  public static final String NO_TIMESTAMP = "no-timestamp";
  public static final String BAD_TIMESTAMP = "bad-timestamp";
  public static final String TOO_LARGE = "too-large";
  public static final String LATE = "late";
  public static final String SINK_REJECTED = "sink-rejected";
  public static final String UNREADABLE = "unreadable-input";
  public static final String BAD_METADATA = "bad-cluster-metadata";

  /**
   * A secret-looking JSON member ({@code "password": "..."} and the like) in text that may not even parse: a bad
   * line can still carry a SetMasterAuth password, and dead letters are an output like any other.
   */
  private static final Pattern SECRET_MEMBER =
      Pattern.compile(
          "(\"(?i:password|clientKey|client_key|privateKey|private_key|secret|token)\"\\s*:\\s*\")"
              + "((?:[^\"\\\\]|\\\\.)*)");

  public static DeadLetter of(
      String reason, String error, String source, Long lineNumber, byte[] raw, int offset, int length,
      long fullSizeBytes, Long eventTimeNanos) {
    int prefixLength = Math.min(length, MAX_RAW_BYTES);
    boolean truncated = fullSizeBytes > prefixLength;
    byte[] kept = redactSecrets(raw, offset, prefixLength);
    String base64 = null;
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(kept))
              .toString();
    } catch (CharacterCodingException e) {
      // Cutting at MAX_RAW_BYTES can split a character; only genuinely bad bytes deserve the base64 copy.
      text = new String(kept, StandardCharsets.UTF_8);
      if (!truncated || !validUpToLastCharacter(kept)) {
        base64 = Base64.getEncoder().encodeToString(kept);
      }
    }
    return new DeadLetter(
        reason, error, source, lineNumber, text, base64, fullSizeBytes, truncated, eventTimeNanos,
        System.currentTimeMillis());
  }

  /** The bytes with secret member values replaced; byte-for-byte elsewhere (works on invalid UTF-8 too). */
  static byte[] redactSecrets(byte[] raw, int offset, int length) {
    String bytesAsText = new String(raw, offset, length, StandardCharsets.ISO_8859_1);
    Matcher matcher = SECRET_MEMBER.matcher(bytesAsText);
    if (!matcher.find()) {
      return java.util.Arrays.copyOfRange(raw, offset, offset + length);
    }
    return matcher.replaceAll("$1[REDACTED]").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Whether the bytes are valid UTF-8 once at most the last (possibly cut) character is dropped. */
  private static boolean validUpToLastCharacter(byte[] bytes) {
    for (int cut = bytes.length; cut >= Math.max(0, bytes.length - 3); cut--) {
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, 0, cut));
        return true;
      } catch (CharacterCodingException e) {
        // try a shorter prefix
      }
    }
    return false;
  }
}
