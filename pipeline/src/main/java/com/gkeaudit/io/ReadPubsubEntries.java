package com.gkeaudit.io;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;

/**
 * Reads a log sink's Pub/Sub subscription into ClusterManager events, dead letters and the event-time clock: the
 * same outputs, through the same {@link ParseRecords} routing, as {@link ReadAuditExports} gives for files.
 */
public final class ReadPubsubEntries extends PTransform<PBegin, PCollectionTuple> {
  private final String subscription;
  private final Duration idle;
  private final Duration allowedLateness;

  private ReadPubsubEntries(String subscription, Duration idle, Duration allowedLateness) {
    this.subscription = subscription;
    this.idle = idle;
    this.allowedLateness = allowedLateness;
  }

  /** See {@link InputWatermark} for what {@code idle} and {@code allowedLateness} do to the watermark. */
  public static ReadPubsubEntries from(String subscription, Duration idle, Duration allowedLateness) {
    return new ReadPubsubEntries(subscription, idle, allowedLateness);
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    return ParseStreamEntries.read(
        begin, "Pull", PubsubEntrySource.of(subscription, idle, allowedLateness), sourcePrefix(subscription));
  }

  /** The parsing half, on messages already read (tests feed it a TestStream). */
  public static ParseStreamEntries parse(String subscription) {
    return ParseStreamEntries.withSourcePrefix(sourcePrefix(subscription));
  }

  /** A message's dead letters name it {@code <subscription>/messages/<message id>}. */
  private static String sourcePrefix(String subscription) {
    return subscription + "/messages/";
  }
}
