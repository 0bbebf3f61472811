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

/** Writes rows as NDJSON files under {@code <outputDir>/<name>/}, local or {@code gs://}. */
public final class WriteNdjson<T> extends PTransform<PCollection<T>, PDone> {
  private final String outputDir;
  private final String name;
  private final SerializableFunction<T, String> toJson;

  private WriteNdjson(String outputDir, String name, SerializableFunction<T, String> toJson) {
    this.outputDir = outputDir;
    this.name = name;
    this.toJson = toJson;
  }

  public static <T> WriteNdjson<T> to(String outputDir, String name, SerializableFunction<T, String> toJson) {
    return new WriteNdjson<>(outputDir, name, toJson);
  }

  @Override
  public PDone expand(PCollection<T> rows) {
    ResourceId dir =
        FileSystems.matchNewResource(outputDir, true).resolve(name, StandardResolveOptions.RESOLVE_DIRECTORY);
    return rows.apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(toJson))
        .apply("WriteFiles", TextIO.write().to(dir.resolve(name, StandardResolveOptions.RESOLVE_FILE)).withSuffix(".json"));
  }
}
