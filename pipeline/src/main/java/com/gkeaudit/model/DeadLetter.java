package com.gkeaudit.model;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

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

  /** Error texts are cut to this many characters. */
  static final int MAX_ERROR_CHARS = 2000;

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

  public static DeadLetter of(
      String reason, String error, String source, Long lineNumber, byte[] raw, int offset, int length,
      long fullSizeBytes, Long eventTimeNanos) {
    int prefixLength = Math.min(length, MAX_RAW_BYTES);
    boolean truncated = fullSizeBytes > prefixLength;
    byte[] kept = redactSecrets(raw, offset, prefixLength);
    // Error texts quote input (a file name, an excerpt): they are redacted like the record, and kept short.
    error = error == null ? null : Redactor.redact(error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) + "..." : error);
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

  /**
   * The bytes with secret member values replaced ({@link Redactor}, the redaction events and logs use); byte-for-byte
   * elsewhere, invalid UTF-8 included. Linear in the input: a dead letter is often a record cut inside a long value.
   */
  static byte[] redactSecrets(byte[] raw, int offset, int length) {
    byte[] redacted = Redactor.redact(raw, offset, length);
    // A replacement is never longer than a few bytes more than what it replaces, but the stated size is the cap.
    return redacted.length <= MAX_RAW_BYTES ? redacted : java.util.Arrays.copyOf(redacted, MAX_RAW_BYTES);
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
