package com.gkeaudit.io;

import com.gkeaudit.model.Times;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubClient;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubClient.IncomingMessage;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubClient.SubscriptionPath;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubJsonClient;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls a log sink's subscription: one LogEntry per message, event time from the sink's timestamp attribute (the
 * entry's own {@code timestamp} when the attribute is missing or invalid), and a watermark estimated by {@link
 * InputWatermark}. Each pull is one element, a batch of messages: runners pay per element and bundle (the
 * DirectRunner reads at most ten elements per bundle), and a pull is what Pub/Sub hands over at once. Messages are
 * acknowledged once the runner has durably committed what was read (checkpoint finalization); anything else is
 * redelivered by Pub/Sub, and redeliveries are dropped by message id here and by entry identity downstream.
 *
 * <p>Why not Beam's {@code PubsubIO}: its reader moves the watermark on an idle subscription only while that reader
 * instance lives, and the DirectRunner restarts readers from checkpoints at random, so a local stream never released
 * its event-time rules. This source keeps its watermark state in the checkpoint. It reads with one reader: a single
 * watermark over the whole subscription, since a reader that happens to receive nothing could not know how far the
 * others have read.
 */
public final class PubsubEntrySource extends UnboundedSource<List<StreamEntry>, PubsubEntrySource.Checkpoint> {
  private static final Logger LOG = LoggerFactory.getLogger(PubsubEntrySource.class);
  private static final int PULL_BATCH = 1000;
  private static final int ACK_BATCH = 2000;
  /**
   * Most messages a reader holds (read, not yet acknowledged). Every checkpoint carries their ack ids, so this bounds
   * its size (a few MB) while acknowledgements lag or fail; past it the reader pulls nothing until the runner commits.
   */
  static final int MAX_HELD = 20_000;
  private static final int CHECK_SECONDS = 20;

  private final String subscription;
  private final long idleMillis;
  private final long latenessMillis;

  private PubsubEntrySource(String subscription, long idleMillis, long latenessMillis) {
    this.subscription = subscription;
    this.idleMillis = idleMillis;
    this.latenessMillis = latenessMillis;
  }

  /**
   * @param subscription {@code projects/P/subscriptions/S}; the Pub/Sub endpoint is the pipeline's {@code
   *     --pubsubRootUrl} (the emulator, for example)
   */
  public static PubsubEntrySource of(String subscription, Duration idle, Duration allowedLateness) {
    return new PubsubEntrySource(subscription, idle.getMillis(), allowedLateness.getMillis());
  }

  /**
   * Why the subscription cannot be read with these options (it does not exist, or access is denied), or null. Lets
   * a local run fail with one line before it starts rather than with a stack trace from inside the runner.
   */
  public static String unreadable(String subscription, PipelineOptions options) {
    // The client retries with backoff for minutes against an endpoint that does not answer: bound the wait.
    CompletableFuture<String> check = CompletableFuture.supplyAsync(() -> probe(subscription, options));
    try {
      return check.get(CHECK_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      check.cancel(true);
      return "--inputSubscription " + subscription + ": no answer from Pub/Sub at "
          + options.as(PubsubOptions.class).getPubsubRootUrl() + " within " + CHECK_SECONDS + " s";
    } catch (InterruptedException | ExecutionException e) {
      return "--inputSubscription " + subscription + ": " + e;
    }
  }

  private static String probe(String subscription, PipelineOptions options) {
    try (PubsubClient client = PubsubJsonClient.FACTORY.newClient(null, null, options.as(PubsubOptions.class))) {
      client.ackDeadlineSeconds(PubsubClient.subscriptionPathFromPath(subscription));
      return null;
    } catch (com.google.api.client.googleapis.json.GoogleJsonResponseException e) {
      String detail = e.getDetails() != null ? e.getDetails().getMessage() : e.getStatusMessage();
      return "--inputSubscription " + subscription + ": " + e.getStatusCode() + " " + detail;
    } catch (IOException | RuntimeException e) {
      return "--inputSubscription " + subscription + ": cannot reach Pub/Sub: " + e.getMessage();
    }
  }

  /**
   * How long pulls must keep finding the subscription empty before its backlog counts as read: half the idle span.
   * One empty {@code returnImmediately} pull proves nothing (Pub/Sub may answer it empty while messages wait, and a
   * replaying publisher pauses between requests); past the idle span the watermark moves on anyway.
   */
  static long catchUpMillis(long idleMillis) {
    return idleMillis / 2;
  }

  @Override
  public List<PubsubEntrySource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<List<StreamEntry>> createReader(PipelineOptions options, Checkpoint restored)
      throws IOException {
    PubsubClient client = PubsubJsonClient.FACTORY.newClient(null, null, options.as(PubsubOptions.class));
    InputWatermark.Snapshot state = restored == null ? InputWatermark.Snapshot.initial() : restored.watermark();
    return new Reader(
        this, client, new InputWatermark(idleMillis, latenessMillis, catchUpMillis(idleMillis), state), MAX_HELD);
  }

  @Override
  public Coder<Checkpoint> getCheckpointMarkCoder() {
    return CheckpointCoder.INSTANCE;
  }

  @Override
  public Coder<List<StreamEntry>> getOutputCoder() {
    return ListCoder.of(StreamEntry.Coder.of());
  }

  /**
   * The event time of a message: the sink's attribute, else the entry's top-level {@code timestamp} (or {@code
   * receiveTimestamp}). A message with neither is no usable LogEntry and only has to reach its dead letter: it gets
   * the current watermark (the publish time before anything was read) and leaves the estimate alone, so a broken
   * message cannot pull the watermark towards the wall clock.
   */
  static StreamEntry toEntry(IncomingMessage message, InputWatermark watermark, long wallMillis) {
    byte[] data = message.message().getData().toByteArray();
    Long nanos = Times.parseRfc3339(message.message().getAttributesMap().get(StreamEntry.TIMESTAMP_ATTRIBUTE));
    String source = StreamEntry.FROM_ATTRIBUTE;
    if (nanos == null) {
      nanos = StreamEntry.entryTimestamp(data);
      source = StreamEntry.FROM_ENTRY;
    }
    long watermarkBefore = watermark.watermark(wallMillis);
    // The record id is the message id (the JSON client leaves the proto's messageId empty).
    if (nanos == null) {
      long millis = InputWatermark.placeUntimed(watermarkBefore, message.timestampMsSinceEpoch());
      return new StreamEntry(data, message.recordId(), millis, StreamEntry.FROM_NONE, false, watermarkBefore);
    }
    long millis = Math.floorDiv(nanos, Times.NANOS_PER_MILLI);
    boolean late = watermark.onRead(millis, wallMillis);
    return new StreamEntry(data, message.recordId(), millis, source, late, watermarkBefore);
  }

  static final class Reader extends BatchReader {
    private final PubsubEntrySource source;
    private final PubsubClient client;
    private final SubscriptionPath subscription;
    private final RecentMessageIds recent;
    /**
     * Ack ids of messages handed to the runner and not yet acknowledged. Every checkpoint carries all of them: a
     * runner need not finalize every checkpoint (the DirectRunner finalizes only the one it resumes from).
     */
    private final Map<String, String> unacknowledged = new ConcurrentHashMap<>();
    /** Ack id -> wall time its ack deadline was last set (pulled or extended). */
    private final Map<String, Long> deadlineSetAt = new ConcurrentHashMap<>();
    /** The subscription's ack deadline, read at the first pull. */
    private int ackDeadlineSeconds = -1;
    /** Most messages held at once: {@link #MAX_HELD}, smaller in tests. */
    private final int maxHeld;

    Reader(PubsubEntrySource source, PubsubClient client, InputWatermark watermark, int maxHeld) {
      super(watermark);
      this.source = source;
      this.client = client;
      this.maxHeld = maxHeld;
      this.subscription = PubsubClient.subscriptionPathFromPath(source.subscription);
      this.recent = RecentMessageIds.of(source.subscription);
    }

    /**
     * Pulls until a batch is full or the subscription has nothing more (a server may return fewer messages than asked
     * for per pull: the emulator returns 100); the messages not seen before become one element. False when there
     * was nothing new.
     */
    @Override
    public boolean advance() throws IOException {
      long now = System.currentTimeMillis();
      extendDeadlines(now);
      if (draining()) {
        // Draining: what was read is in the runner; what was not stays in the subscription for the next job.
        return emit(List.of());
      }
      List<IncomingMessage> pulled = new ArrayList<>();
      // Held messages count against the bound until acknowledged; an empty pull is not made (it would say nothing).
      int room = Math.min(PULL_BATCH, maxHeld - unacknowledged.size());
      while (pulled.size() < room) {
        List<IncomingMessage> more = client.pull(now, subscription, room - pulled.size(), true);
        if (more.isEmpty()) {
          watermark.onEmptyPull(System.currentTimeMillis());
          break;
        }
        pulled.addAll(more);
      }
      List<StreamEntry> batch = new ArrayList<>(pulled.size());
      for (IncomingMessage message : pulled) {
        deadlineSetAt.put(message.ackId(), now);
        if (recent.wasCommitted(message.recordId())) {
          // Already committed: only its acknowledgement was lost. Acknowledge this copy with the next checkpoint.
          unacknowledged.put(message.ackId(), message.recordId());
          continue;
        }
        unacknowledged.put(message.ackId(), message.recordId());
        batch.add(toEntry(message, watermark, now));
      }
      return emit(batch);
    }

    @Override
    protected boolean draining() {
      return StreamDrain.requested(source.subscription);
    }

    /**
     * Extends the ack deadline of every message held (read, not yet acknowledged) for half the subscription's
     * deadline or more, by a whole deadline: the runner may take longer than the deadline (10 s by default) to commit
     * what was read, and Pub/Sub would redeliver the message meanwhile. A reader that stops (closed, or restored
     * elsewhere from a checkpoint) stops extending, and its uncommitted messages come back to whoever reads next.
     */
    void extendDeadlines(long now) {
      if (deadlineSetAt.isEmpty()) {
        return;
      }
      try {
        if (ackDeadlineSeconds < 0) {
          ackDeadlineSeconds = client.ackDeadlineSeconds(subscription);
        }
        List<String> due = new ArrayList<>();
        deadlineSetAt.forEach((ackId, setAt) -> {
          if (now - setAt >= ackDeadlineSeconds * 500L) {
            due.add(ackId);
          }
        });
        for (int from = 0; from < due.size(); from += ACK_BATCH) {
          List<String> batch = due.subList(from, Math.min(due.size(), from + ACK_BATCH));
          client.modifyAckDeadline(subscription, batch, ackDeadlineSeconds);
          batch.forEach(ackId -> deadlineSetAt.replace(ackId, now));
        }
      } catch (IOException e) {
        // Not fatal: a message whose deadline passes is redelivered and read again (dropped downstream as a copy).
        LOG.warn("could not extend ack deadlines: {}", e.toString());
      }
    }

    @Override
    public Checkpoint getCheckpointMark() {
      return new Checkpoint(new ArrayList<>(unacknowledged.keySet()), watermark.snapshot(), this);
    }

    @Override
    public PubsubEntrySource getCurrentSource() {
      return source;
    }

    @Override
    public void close() throws IOException {
      client.close();
    }

    void acknowledge(List<String> ackIds) throws IOException {
      List<String> pending = new ArrayList<>();
      for (String id : ackIds) {
        String messageId = unacknowledged.get(id);
        if (messageId != null) {
          // The runner finalizes a checkpoint once its output is committed: from now on a copy may be dropped.
          recent.committed(messageId);
          pending.add(id);
        }
      }
      // Pub/Sub caps the size of one request; a few thousand ids stay well below it.
      for (int from = 0; from < pending.size(); from += ACK_BATCH) {
        List<String> batch = pending.subList(from, Math.min(pending.size(), from + ACK_BATCH));
        client.acknowledge(subscription, batch);
        batch.forEach(unacknowledged::remove);
        batch.forEach(deadlineSetAt::remove);
      }
    }
  }

  /**
   * What a resumed reader needs: the watermark estimator's state, and the messages to acknowledge once the runner
   * has committed them. A checkpoint restored from its encoding has no reader to acknowledge with; its messages are
   * redelivered and dropped as duplicates.
   */
  public static final class Checkpoint implements UnboundedSource.CheckpointMark {
    private final List<String> ackIds;
    private final InputWatermark.Snapshot watermark;
    private final transient Reader reader;

    Checkpoint(List<String> ackIds, InputWatermark.Snapshot watermark, Reader reader) {
      this.ackIds = ackIds;
      this.watermark = watermark;
      this.reader = reader;
    }

    InputWatermark.Snapshot watermark() {
      return watermark;
    }

    @Override
    public void finalizeCheckpoint() throws IOException {
      if (reader != null) {
        try {
          reader.acknowledge(ackIds);
        } catch (IOException e) {
          // Not fatal: unacknowledged messages come back and are dropped as duplicates.
          LOG.warn("could not acknowledge {} messages: {}", ackIds.size(), e.toString());
        }
      }
    }
  }

  static final class CheckpointCoder extends AtomicCoder<Checkpoint> {
    static final CheckpointCoder INSTANCE = new CheckpointCoder();
    private static final Coder<List<String>> ACK_IDS = ListCoder.of(StringUtf8Coder.of());

    @Override
    public void encode(Checkpoint checkpoint, OutputStream out) throws IOException {
      CheckpointVersion.write(out);
      ACK_IDS.encode(checkpoint.ackIds, out);
      InputWatermark.SnapshotCoder.INSTANCE.encode(checkpoint.watermark, out);
    }

    @Override
    public Checkpoint decode(InputStream in) throws IOException {
      int version = CheckpointVersion.read(in, "Pub/Sub");
      List<String> ackIds = ACK_IDS.decode(in);
      return new Checkpoint(ackIds, InputWatermark.SnapshotCoder.INSTANCE.decode(in, version), null);
    }
  }
}
