package com.gkeaudit.io;

import com.gkeaudit.model.ClusterEvent;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
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
    return begin
        .apply("Pull", Read.from(PubsubEntrySource.of(subscription, idle, allowedLateness)))
        .apply("Messages", ParDo.of(new UnbatchFn()))
        .setCoder(PubsubEntry.Coder.of())
        .apply(parse(subscription));
  }

  /** The parsing half, on messages already read (tests feed it a TestStream). */
  public static ParseMessages parse(String subscription) {
    return new ParseMessages(subscription);
  }

  public static final class ParseMessages extends PTransform<PCollection<PubsubEntry>, PCollectionTuple> {
    private final String subscription;

    private ParseMessages(String subscription) {
      this.subscription = subscription;
    }

    @Override
    public PCollectionTuple expand(PCollection<PubsubEntry> messages) {
      return messages.apply(
          "ParseRecords",
          ParDo.of(new ParseMessageFn(subscription))
              .withOutputTags(
                  ParseRecords.EVENTS, TupleTagList.of(ParseRecords.DEAD_LETTERS).and(ParseRecords.CLOCK)));
    }
  }

  /** A pull's messages, each at its own event time (never earlier than the batch's, which is their oldest). */
  static final class UnbatchFn extends DoFn<java.util.List<PubsubEntry>, PubsubEntry> {
    @ProcessElement
    public void process(@Element java.util.List<PubsubEntry> batch, OutputReceiver<PubsubEntry> out) {
      for (PubsubEntry entry : batch) {
        out.outputWithTimestamp(entry, new org.joda.time.Instant(entry.timestampMillis()));
      }
    }
  }

  static final class ParseMessageFn extends DoFn<PubsubEntry, ClusterEvent> {
    private final String subscription;
    private transient ParseRecords parser;

    ParseMessageFn(String subscription) {
      this.subscription = subscription;
    }

    @StartBundle
    public void startBundle() {
      parser = new ParseRecords();
    }

    @ProcessElement
    public void process(@Element PubsubEntry message, MultiOutputReceiver out) {
      parser.accept(message, subscription + "/messages/" + message.messageId(), out);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      parser.finishBundle(context);
    }
  }
}
