package com.gkeaudit.parse;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.JsonCoder;
import com.gkeaudit.model.Times;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
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
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Drops repeated copies of an entry: the same ({@code logName}, {@code insertId}, {@code timestamp}) is one entry
 * (overlapping sinks, at-least-once Pub/Sub). What has been seen is remembered until the event-time watermark passes
 * the entry's time plus {@code horizon}, so state stays bounded in a stream.
 */
public final class DedupeEntries extends PTransform<PCollection<ClusterEvent>, PCollection<ClusterEvent>> {
  static final Counter DUPLICATES = Metrics.counter("gkeaudit", "records_duplicate");
  static final Counter UNIQUE = Metrics.counter("gkeaudit", "events");

  private final Duration horizon;

  private DedupeEntries(Duration horizon) {
    this.horizon = horizon;
  }

  public static DedupeEntries within(Duration horizon) {
    return new DedupeEntries(horizon);
  }

  @Override
  public PCollection<ClusterEvent> expand(PCollection<ClusterEvent> events) {
    return events
        .apply("KeyByEntry", WithKeys.of(ClusterEvent::dedupeKey).withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), JsonCoder.of(ClusterEvent.class)))
        .apply("FirstCopy", ParDo.of(new FirstCopyFn(horizon)))
        .setCoder(JsonCoder.of(ClusterEvent.class));
  }

  static final class FirstCopyFn extends DoFn<KV<String, ClusterEvent>, ClusterEvent> {
    private final Duration horizon;

    @StateId("seen")
    private final StateSpec<ValueState<Boolean>> seenSpec = StateSpecs.value(BooleanCoder.of());

    @TimerId("forget")
    private final TimerSpec forgetSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    FirstCopyFn(Duration horizon) {
      this.horizon = horizon;
    }

    @ProcessElement
    public void process(
        @Element KV<String, ClusterEvent> element,
        @StateId("seen") ValueState<Boolean> seen,
        @TimerId("forget") Timer forget,
        OutputReceiver<ClusterEvent> out) {
      if (Boolean.TRUE.equals(seen.read())) {
        DUPLICATES.inc();
        return;
      }
      seen.write(true);
      forget.set(Times.toJoda(element.getValue().timeNanos()).plus(horizon));
      UNIQUE.inc();
      out.output(element.getValue());
    }

    @OnTimer("forget")
    public void forget(@StateId("seen") ValueState<Boolean> seen) {
      seen.clear();
    }
  }
}
