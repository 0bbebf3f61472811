package com.gkeaudit.io;

import com.gkeaudit.model.ClusterEvent;
import java.util.List;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * The parsing half of every stream, whatever its source: {@link StreamEntry}s into ClusterManager events, dead letters
 * and the event-time clock, through the same {@link ParseRecords} routing as {@link ReadAuditExports} gives for files
 * read once. A dead letter's source is {@code sourcePrefix + recordId}, with the entry's line number when it has one.
 */
public final class ParseStreamEntries extends PTransform<PCollection<StreamEntry>, PCollectionTuple> {
  private final String sourcePrefix;

  private ParseStreamEntries(String sourcePrefix) {
    this.sourcePrefix = sourcePrefix;
  }

  /** @param sourcePrefix prepended to each entry's record id to name its source ("" for files: the id is the path) */
  public static ParseStreamEntries withSourcePrefix(String sourcePrefix) {
    return new ParseStreamEntries(sourcePrefix);
  }

  /** Reads a source whose elements are batches of entries (one per pull or poll), then parses them. */
  static PCollectionTuple read(
      PBegin begin, String name, UnboundedSource<List<StreamEntry>, ?> source, String sourcePrefix) {
    return begin
        .apply(name, Read.from(source))
        .apply("Entries", ParDo.of(new UnbatchFn()))
        .setCoder(StreamEntry.Coder.of())
        .apply(withSourcePrefix(sourcePrefix));
  }

  @Override
  public PCollectionTuple expand(PCollection<StreamEntry> entries) {
    return entries.apply(
        "ParseRecords",
        ParDo.of(new ParseEntryFn(sourcePrefix))
            .withOutputTags(ParseRecords.EVENTS, TupleTagList.of(ParseRecords.DEAD_LETTERS).and(ParseRecords.CLOCK)));
  }

  /** A batch's entries, each at its own event time (never earlier than the batch's, which is their oldest). */
  static final class UnbatchFn extends DoFn<List<StreamEntry>, StreamEntry> {
    @ProcessElement
    public void process(@Element List<StreamEntry> batch, OutputReceiver<StreamEntry> out) {
      for (StreamEntry entry : batch) {
        out.outputWithTimestamp(entry, new Instant(entry.timestampMillis()));
      }
    }
  }

  static final class ParseEntryFn extends DoFn<StreamEntry, ClusterEvent> {
    private final String sourcePrefix;
    private transient ParseRecords parser;

    ParseEntryFn(String sourcePrefix) {
      this.sourcePrefix = sourcePrefix;
    }

    @StartBundle
    public void startBundle() {
      parser = new ParseRecords();
    }

    @ProcessElement
    public void process(@Element StreamEntry entry, MultiOutputReceiver out) {
      parser.accept(entry, sourcePrefix + entry.recordId(), out);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      parser.finishBundle(context);
    }
  }
}
