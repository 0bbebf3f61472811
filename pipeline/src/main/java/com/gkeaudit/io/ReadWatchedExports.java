package com.gkeaudit.io;

import java.util.List;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;

/**
 * Watches export-file patterns for new files and reads them as a stream ({@link WatchedExportsSource}) into
 * ClusterManager events, dead letters and the event-time clock, parsed as Pub/Sub messages are ({@link
 * ParseStreamEntries}). A dead letter's source is the file's path, with the line's number.
 */
public final class ReadWatchedExports extends PTransform<PBegin, PCollectionTuple> {
  private final WatchedExportsSource source;

  private ReadWatchedExports(WatchedExportsSource source) {
    this.source = source;
  }

  /** See {@link InputWatermark} for what {@code idle} and {@code allowedLateness} do to the watermark. */
  public static ReadWatchedExports from(
      List<String> patterns, Duration pollInterval, Duration idle, Duration allowedLateness) {
    return new ReadWatchedExports(WatchedExportsSource.of(patterns, pollInterval, idle, allowedLateness));
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    return ParseStreamEntries.read(begin, "Poll", source, "");
  }
}
