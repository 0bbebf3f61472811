package com.gkeaudit.transforms;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Times;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Drops repeated copies of an entry: the same ({@code logName}, {@code insertId}, {@code timestamp}) is one entry
 * (overlapping sinks, at-least-once Pub/Sub). An entry's identity is remembered until the event-time watermark passes
 * its time plus {@code horizon}, so state stays bounded in a stream. Identities are grouped into a fixed number of
 * shards (see {@code OrderedRuleFn}: runners pay per key), each holding a map of the identities it has seen.
 */
public final class DedupeEntries extends PTransform<PCollection<ClusterEvent>, PCollection<ClusterEvent>> {
  static final Counter DUPLICATES = Metrics.counter("gkeaudit", "records_duplicate");
  static final Counter UNIQUE = Metrics.counter("gkeaudit", "events");
  /** Forgetting is swept at most this often per shard, so a steady stream does not rescan the map per entry. */
  static final long SWEEP_MILLIS = Duration.standardMinutes(10).getMillis();

  private final Duration horizon;
  private final int shards;

  private DedupeEntries(Duration horizon, int shards) {
    this.horizon = horizon;
    this.shards = shards;
  }

  public static DedupeEntries within(Duration horizon) {
    return new DedupeEntries(horizon, 16);
  }

  public DedupeEntries withShards(int count) {
    return new DedupeEntries(horizon, count);
  }

  @Override
  public PCollection<ClusterEvent> expand(PCollection<ClusterEvent> events) {
    return events
        .apply("ShardByEntry", ParDo.of(new ShardFn(shards)))
        .setCoder(KvCoder.of(VarIntCoder.of(), JsonCoder.of(ClusterEvent.class)))
        .apply("FirstCopy", ParDo.of(new FirstCopyFn(horizon)))
        .setCoder(JsonCoder.of(ClusterEvent.class));
  }

  static final class ShardFn extends DoFn<ClusterEvent, KV<Integer, ClusterEvent>> {
    private final int shards;

    ShardFn(int shards) {
      this.shards = shards;
    }

    @ProcessElement
    public void process(@Element ClusterEvent event, OutputReceiver<KV<Integer, ClusterEvent>> out) {
      out.output(KV.of(Math.floorMod(event.dedupeKey().hashCode(), shards), event));
    }
  }

  static final class FirstCopyFn extends DoFn<KV<Integer, ClusterEvent>, ClusterEvent> {
    private final Duration horizon;

    /**
     * Entry identity -> its event time (epoch millis), one map per shard in a ValueState. Not a MapState: Dataflow
     * does not support MapState or SetState for Java streaming on Runner v2. A shard's map holds its share of the
     * identities of the last {@code horizon}; ClusterManager entries are a small stream (administrative calls), so
     * the map stays small, and the runner caches the value between elements of its key.
     */
    @StateId("seen")
    private final StateSpec<ValueState<Map<String, Long>>> seenSpec = StateSpecs.value(JsonCoder.mapOf(Long.class));

    @StateId("sweepAt")
    private final StateSpec<ValueState<Long>> sweepAtSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("sweep")
    private final TimerSpec sweepSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    FirstCopyFn(Duration horizon) {
      this.horizon = horizon;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, ClusterEvent> element,
        @Timestamp org.joda.time.Instant elementTime,
        @StateId("seen") ValueState<Map<String, Long>> seenState,
        @StateId("sweepAt") ValueState<Long> sweepAt,
        @TimerId("sweep") Timer sweep,
        OutputReceiver<ClusterEvent> out) {
      ClusterEvent event = element.getValue();
      String identity = event.dedupeKey();
      Map<String, Long> seen = seenState.read();
      if (seen == null) {
        seen = new TreeMap<>();
      } else if (seen.containsKey(identity)) {
        DUPLICATES.inc();
        return;
      }
      long eventMillis = Math.floorDiv(event.timeNanos(), Times.NANOS_PER_MILLI);
      seen.put(identity, eventMillis);
      seenState.write(seen);
      // Never before the element itself, whose time may be a Pub/Sub attribute rather than the entry's timestamp.
      long forgetAt = Math.max(eventMillis + horizon.getMillis(), elementTime.getMillis());
      Long pending = sweepAt.read();
      if (pending == null || forgetAt < pending) {
        long at = Math.max(forgetAt, pending == null ? forgetAt : pending - SWEEP_MILLIS);
        sweepAt.write(at);
        sweep.set(new org.joda.time.Instant(at));
      }
      UNIQUE.inc();
      out.output(event);
    }

    @OnTimer("sweep")
    public void sweep(
        OnTimerContext context,
        @StateId("seen") ValueState<Map<String, Long>> seenState,
        @StateId("sweepAt") ValueState<Long> sweepAt,
        @TimerId("sweep") Timer sweep) {
      long now = context.timestamp().getMillis();
      Map<String, Long> seen = seenState.read();
      Long nextForget = null;
      if (seen != null) {
        for (var it = seen.values().iterator(); it.hasNext(); ) {
          long forgetAt = it.next() + horizon.getMillis();
          if (forgetAt <= now) {
            it.remove();
          } else {
            nextForget = nextForget == null ? forgetAt : Math.min(nextForget, forgetAt);
          }
        }
        if (seen.isEmpty()) {
          seenState.clear();
        } else {
          seenState.write(seen);
        }
      }
      if (nextForget == null) {
        sweepAt.clear();
      } else {
        long at = Math.max(nextForget, now + SWEEP_MILLIS);
        sweepAt.write(at);
        sweep.set(new org.joda.time.Instant(at));
      }
    }
  }
}
