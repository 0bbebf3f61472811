package com.gkeaudit.io;

import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.joda.time.Duration;

/**
 * Writes rows as NDJSON files under {@code <outputDir>/<name>/}, local or {@code gs://}. A bounded input is written
 * once at the end; a stream is written as it goes, one file per pane at most every flush interval, each row once.
 */
public final class WriteNdjson<T> extends PTransform<PCollection<T>, PDone> {
  static final Duration DEFAULT_FLUSH = Duration.standardSeconds(10);

  private final String outputDir;
  private final String name;
  private final SerializableFunction<T, String> toJson;
  private final Duration flush;

  private WriteNdjson(String outputDir, String name, SerializableFunction<T, String> toJson, Duration flush) {
    this.outputDir = outputDir;
    this.name = name;
    this.toJson = toJson;
    this.flush = flush;
  }

  public static <T> WriteNdjson<T> to(String outputDir, String name, SerializableFunction<T, String> toJson) {
    return new WriteNdjson<>(outputDir, name, toJson, DEFAULT_FLUSH);
  }

  /** For a stream: how long rows may wait before their file is written. */
  public WriteNdjson<T> withFlushEvery(Duration interval) {
    return new WriteNdjson<>(outputDir, name, toJson, interval);
  }

  @Override
  public PDone expand(PCollection<T> rows) {
    ResourceId dir =
        FileSystems.matchNewResource(outputDir, true).resolve(name, StandardResolveOptions.RESOLVE_DIRECTORY);
    PCollection<String> lines = rows.apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(toJson));
    TextIO.Write write = TextIO.write().to(dir.resolve(name, StandardResolveOptions.RESOLVE_FILE)).withSuffix(".json");
    if (rows.isBounded() == PCollection.IsBounded.BOUNDED) {
      return lines.apply("WriteFiles", write);
    }
    // Rules emit findings from event-time timers in the global window: only processing-time panes can flush them.
    // Discarding panes write each row in exactly one file.
    return lines
        .apply(
            "Panes",
            Window.<String>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(flush)))
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes())
        .apply("WriteFiles", write.withWindowedWrites().withNumShards(1));
  }
}
