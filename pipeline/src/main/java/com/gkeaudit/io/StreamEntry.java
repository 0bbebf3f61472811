package com.gkeaudit.io;

import com.gkeaudit.parse.LogEntryParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One record of a stream as read, by {@link PubsubEntrySource} (a log sink's Pub/Sub message) or {@link
 * WatchedExportsSource} (a line of an export file): the LogEntry bytes untouched, its event time and which field gave
 * it, and whether it arrived behind the input's watermark.
 *
 * @param recordId the message id, or the path of the file the line was read from
 * @param timestampSource {@link #FROM_ATTRIBUTE}, {@link #FROM_ENTRY} or {@link #FROM_NONE}
 * @param watermarkMillis the input's watermark when the record was read (explains a late one)
 * @param lineNumber the line's number in its file (1-based); 0 for a message
 * @param fullLength the record's size in bytes: larger than {@code data} when only a prefix of an oversized line was
 *     kept (it becomes a "too-large" dead letter)
 */
public record StreamEntry(
    byte[] data, String recordId, long timestampMillis, String timestampSource, boolean late, long watermarkMillis,
    long lineNumber, long fullLength) {
  /** The attribute a Cloud Logging sink sets on each message: the entry's timestamp. */
  public static final String TIMESTAMP_ATTRIBUTE = "logging.googleapis.com/timestamp";

  public static final String FROM_ATTRIBUTE = "attribute";
  /** No (valid) attribute, or a line of a file: the LogEntry's own {@code timestamp} (else its receiveTimestamp). */
  public static final String FROM_ENTRY = "entry";
  /**
   * No usable timestamp anywhere: not a LogEntry, bound for its dead letter. It is placed at the input's watermark
   * ({@link InputWatermark#placeUntimed}) and leaves the estimate alone.
   */
  public static final String FROM_NONE = "none";
  /**
   * Not a record: reading a watched file failed at this point (a corrupt gzip member, a vanished object). Its data
   * is the error, and it becomes an "unreadable-input" dead letter, as a file read once would.
   */
  public static final String UNREADABLE = "unreadable";

  /** A Pub/Sub message: whole, with no line number. */
  public StreamEntry(
      byte[] data, String recordId, long timestampMillis, String timestampSource, boolean late, long watermarkMillis) {
    this(data, recordId, timestampMillis, timestampSource, late, watermarkMillis, 0, data.length);
  }

  /** The failure to read {@code path} after {@code linesRead} lines, placed at the watermark like untimed data. */
  static StreamEntry unreadable(String path, long linesRead, String error, long watermarkMillis, long placeMillis) {
    byte[] what = ("reading stopped after " + linesRead + " lines: " + error).getBytes(StandardCharsets.UTF_8);
    return new StreamEntry(what, path, placeMillis, UNREADABLE, false, watermarkMillis, 0, what.length);
  }

  /** Whether this is a read failure rather than a record. */
  public boolean isReadFailure() {
    return UNREADABLE.equals(timestampSource);
  }

  /** Whether only a prefix of the record was kept because it exceeds the size cap. */
  public boolean oversized() {
    return fullLength > data.length;
  }

  /**
   * The event time of a LogEntry as the parser reads it (its top-level {@code timestamp}, else its {@code
   * receiveTimestamp}), read before parsing so the source can stamp and order the entry; see {@link
   * LogEntryParser#eventTimeNanos}.
   */
  static Long entryTimestamp(byte[] data) {
    return LogEntryParser.eventTimeNanos(data);
  }

  /** Explicit and compact: the payload is most of the element, so it is written as raw bytes. */
  public static final class Coder extends AtomicCoder<StreamEntry> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(StreamEntry entry, OutputStream out) throws IOException {
      ByteArrayCoder.of().encode(entry.data(), out);
      StringUtf8Coder.of().encode(entry.recordId(), out);
      VarLongCoder.of().encode(entry.timestampMillis(), out);
      StringUtf8Coder.of().encode(entry.timestampSource(), out);
      BooleanCoder.of().encode(entry.late(), out);
      VarLongCoder.of().encode(entry.watermarkMillis(), out);
      VarLongCoder.of().encode(entry.lineNumber(), out);
      VarLongCoder.of().encode(entry.fullLength(), out);
    }

    @Override
    public StreamEntry decode(InputStream in) throws IOException {
      return new StreamEntry(
          ByteArrayCoder.of().decode(in),
          StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in),
          StringUtf8Coder.of().decode(in),
          BooleanCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
