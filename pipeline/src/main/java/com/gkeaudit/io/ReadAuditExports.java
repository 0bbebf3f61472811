package com.gkeaudit.io;

import com.gkeaudit.model.DeadLetter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Reads audit-log export files (a Cloud Logging sink's hourly NDJSON files, local or {@code gs://}, {@code **} globs,
 * {@code .gz} by extension) into ClusterManager events, dead letters and the event-time clock. Records of other
 * services are counted and dropped inside the reading step, so they never become pipeline elements.
 */
public final class ReadAuditExports extends PTransform<PBegin, PCollectionTuple> {
  /** docs/output.md: valid records parse up to a hard cap of at least 16 MB. */
  public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;
  static final int DEFAULT_FILE_GROUPS = 32;

  private final List<String> patterns;
  private final int maxRecordBytes;
  private final int fileGroups;

  private ReadAuditExports(List<String> patterns, int maxRecordBytes, int fileGroups) {
    this.patterns = patterns;
    this.maxRecordBytes = maxRecordBytes;
    this.fileGroups = fileGroups;
  }

  public static ReadAuditExports from(List<String> patterns) {
    return new ReadAuditExports(patterns, MAX_RECORD_BYTES, DEFAULT_FILE_GROUPS);
  }

  /** A lower cap, for tests of the too-large path. */
  public ReadAuditExports withMaxRecordBytes(int bytes) {
    return new ReadAuditExports(patterns, bytes, fileGroups);
  }

  /** How many groups files are spread over for parallel reading. */
  public ReadAuditExports withFileGroups(int groups) {
    return new ReadAuditExports(patterns, maxRecordBytes, groups);
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    int groups = fileGroups;
    return begin
        .apply("Patterns", Create.of(patterns))
        .apply("MatchFiles", FileIO.matchAll().withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW_IF_WILDCARD))
        // Spread files over workers: the match step emits them all from one element. A plain grouping into a bounded
        // set of keys, not Reshuffle: the DirectRunner emits a reshuffled element per bundle (its trigger fires per
        // element), and every bundle costs a round trip through each later step.
        .apply(
            "KeyFiles",
            WithKeys.of(
                    (MatchResult.Metadata file) -> Math.floorMod(file.resourceId().toString().hashCode(), groups))
                .withKeyType(TypeDescriptors.integers()))
        // Grouped elements keep their earliest timestamp rather than the end of the (global) window, so records read
        // from them may carry their own, earlier event times.
        .apply(
            "KeepTimestamps",
            Window.<KV<Integer, MatchResult.Metadata>>configure().withTimestampCombiner(TimestampCombiner.EARLIEST))
        .apply("GroupFiles", GroupByKey.create())
        .apply("FileGroups", Values.create())
        .apply("Files", Flatten.iterables())
        .apply("OpenFiles", FileIO.readMatches())
        .apply(
            "ParseRecords",
            ParDo.of(new ReadFileFn(maxRecordBytes))
                .withOutputTags(
                    ParseRecords.EVENTS, TupleTagList.of(ParseRecords.DEAD_LETTERS).and(ParseRecords.CLOCK)));
  }

  static final class ReadFileFn extends DoFn<FileIO.ReadableFile, com.gkeaudit.model.ClusterEvent> {
    private final int maxRecordBytes;
    private transient ParseRecords parser;

    ReadFileFn(int maxRecordBytes) {
      this.maxRecordBytes = maxRecordBytes;
    }

    @StartBundle
    public void startBundle() {
      parser = new ParseRecords();
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
      String source = file.getMetadata().resourceId().toString();
      LineReader reader = new LineReader(maxRecordBytes, DeadLetter.MAX_RAW_BYTES);
      try (InputStream in = Channels.newInputStream(file.open())) {
        reader.read(
            in,
            new LineReader.Sink() {
              @Override
              public void record(byte[] buf, int offset, int length, long lineNumber) {
                parser.accept(buf, offset, length, source, lineNumber, out);
              }

              @Override
              public void oversized(byte[] prefix, int prefixLength, long fullLength, long lineNumber) {
                parser.oversized(prefix, prefixLength, fullLength, maxRecordBytes, source, lineNumber, out);
              }
            });
      } catch (IOException | RuntimeException e) {
        // A corrupt or truncated gzip member, a vanished object, a file that cannot be opened: what was read stands,
        // and the rest of the file is one record read and dead-lettered, saying where reading stopped (docs/output.md: the
        // counts add up).
        long line = reader.linesRead() + 1;
        String error =
            "reading stopped at line " + line + " (byte " + reader.bytesConsumed() + " of the decompressed stream) of "
                + source + ": " + e;
        byte[] what = error.getBytes(StandardCharsets.UTF_8);
        parser.unreadable(error, source, line, what, out);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      parser.finishBundle(context);
    }
  }
}
