package com.gkeaudit.io;

import com.gkeaudit.model.Times;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubIO;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Reads a log sink's Pub/Sub subscription into ClusterManager events, dead letters and the event-time clock: the
 * same outputs, through the same {@link ParseRecords} routing, as {@link ReadAuditExports} gives for files.
 *
 * <p>Which reader is chosen at expand time, from the pipeline's runner:
 *
 * <ul>
 *   <li>Every runner but the DirectRunner gets Beam's {@link PubsubIO#readMessagesWithAttributesAndMessageId()} with
 *       the sink's timestamp attribute. On Dataflow the runner replaces that transform with its native Pub/Sub
 *       source: workers share the subscription, the watermark is estimated from the subscription's backlog, the
 *       backlog drives autoscaling, messages are deduplicated by message id and acknowledged only once what they
 *       produced is committed. A custom source would get none of that.
 *   <li>The DirectRunner gets {@link PubsubEntrySource}: Beam's own reader there loses its idle-watermark state each
 *       time the DirectRunner restores a reader from a checkpoint (it does so at random), so a quiet local stream
 *       would never release its event-time rules.
 * </ul>
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

  /** See {@link InputWatermark} for what {@code idle} and {@code allowedLateness} do to the local watermark. */
  public static ReadPubsubEntries from(String subscription, Duration idle, Duration allowedLateness) {
    return new ReadPubsubEntries(subscription, idle, allowedLateness);
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    if (needsLocalSource(begin.getPipeline().getOptions())) {
      return ParseStreamEntries.read(
          begin, "Pull", PubsubEntrySource.of(subscription, idle, allowedLateness), sourcePrefix(subscription));
    }
    return begin
        .apply(
            "Pull",
            PubsubIO.readMessagesWithAttributesAndMessageId()
                .fromSubscription(subscription)
                .withTimestampAttribute(StreamEntry.TIMESTAMP_ATTRIBUTE))
        .apply("Entries", ParDo.of(new MessageToEntryFn()))
        .setCoder(StreamEntry.Coder.of())
        .apply(parse(subscription));
  }

  /** Whether Beam's Pub/Sub read cannot serve this runner (see the class comment). */
  static boolean needsLocalSource(PipelineOptions options) {
    return options.getRunner() != null && options.getRunner().getSimpleName().equals("DirectRunner");
  }

  /** The parsing half, on messages already read (tests feed it a TestStream). */
  public static ParseStreamEntries parse(String subscription) {
    return ParseStreamEntries.withSourcePrefix(sourcePrefix(subscription));
  }

  /** A message's dead letters name it {@code <subscription>/messages/<message id>}. */
  private static String sourcePrefix(String subscription) {
    return subscription + "/messages/";
  }

  /**
   * A message of Beam's read as a {@link StreamEntry}. Its element time is the runner's (the sink's timestamp
   * attribute); the event itself still carries the entry's own {@code timestamp}, which the rules order by. Nothing is
   * marked late here: the runner's source has no notion of it, and the rules judge lateness against their own state.
   */
  static final class MessageToEntryFn extends DoFn<PubsubMessage, StreamEntry> {
    @ProcessElement
    public void process(
        @Element PubsubMessage message, @Timestamp Instant time, OutputReceiver<StreamEntry> out) {
      byte[] data = message.getPayload() == null ? new byte[0] : message.getPayload();
      String attribute = message.getAttribute(StreamEntry.TIMESTAMP_ATTRIBUTE);
      String source = Times.parseRfc3339(attribute) != null ? StreamEntry.FROM_ATTRIBUTE : StreamEntry.FROM_ENTRY;
      String id = message.getMessageId() == null ? "" : message.getMessageId();
      out.output(new StreamEntry(data, id, time.getMillis(), source, false, time.getMillis()));
    }
  }
}
