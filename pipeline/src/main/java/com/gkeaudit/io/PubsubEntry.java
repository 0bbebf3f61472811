package com.gkeaudit.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One Pub/Sub message of a log sink, as read: the LogEntry bytes untouched, its event time and which field gave it,
 * and whether it arrived behind the input's watermark.
 *
 * @param timestampSource {@link #FROM_ATTRIBUTE}, {@link #FROM_ENTRY} or {@link #FROM_PUBLISH_TIME}
 * @param watermarkMillis the input's watermark when the message was read (explains a late one)
 */
public record PubsubEntry(
    byte[] data, String messageId, long timestampMillis, String timestampSource, boolean late, long watermarkMillis) {
  /** The attribute a Cloud Logging sink sets on each message: the entry's timestamp. */
  public static final String TIMESTAMP_ATTRIBUTE = "logging.googleapis.com/timestamp";

  public static final String FROM_ATTRIBUTE = "attribute";
  /** No (valid) attribute: the LogEntry's own {@code timestamp}. */
  public static final String FROM_ENTRY = "entry";
  /** Neither: the publish time, only so the message can flow to its dead letter. */
  public static final String FROM_PUBLISH_TIME = "publish-time";

  /** Explicit and compact: the payload is most of the element, so it is written as raw bytes. */
  public static final class Coder extends AtomicCoder<PubsubEntry> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(PubsubEntry entry, OutputStream out) throws IOException {
      ByteArrayCoder.of().encode(entry.data(), out);
      StringUtf8Coder.of().encode(entry.messageId(), out);
      VarLongCoder.of().encode(entry.timestampMillis(), out);
      StringUtf8Coder.of().encode(entry.timestampSource(), out);
      BooleanCoder.of().encode(entry.late(), out);
      VarLongCoder.of().encode(entry.watermarkMillis(), out);
    }

    @Override
    public PubsubEntry decode(InputStream in) throws IOException {
      return new PubsubEntry(
          ByteArrayCoder.of().decode(in),
          StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in),
          StringUtf8Coder.of().decode(in),
          BooleanCoder.of().decode(in),
          VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
