package com.gkeaudit.detect;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.JsonCoder;
import com.gkeaudit.model.Times;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Runs a {@link SequentialRule} per key in event-time order, whatever the arrival order: events wait in state until
 * the event-time watermark passes them, then an event-time timer releases them sorted. Rule deadlines are
 * interleaved at their times (an event at exactly a deadline is processed first). In batch the watermark reaches the
 * end of input only after every element has arrived, so the result is a function of the input set alone.
 */
public final class OrderedRuleFn<S> extends DoFn<KV<String, ClusterEvent>, Finding> {
  static final Comparator<ClusterEvent> EVENT_ORDER =
      Comparator.comparingLong(ClusterEvent::timeNanos)
          .thenComparing(ClusterEvent::insertId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(ClusterEvent::logName, Comparator.nullsFirst(Comparator.naturalOrder()));

  private final SequentialRule<S> rule;

  @StateId("buffer")
  private final StateSpec<BagState<ClusterEvent>> bufferSpec = StateSpecs.bag(JsonCoder.of(ClusterEvent.class));

  @StateId("ruleState")
  private final StateSpec<ValueState<S>> ruleStateSpec;

  /** When the release timer is set for, in epoch millis; absent when no timer is pending. */
  @StateId("timerAt")
  private final StateSpec<ValueState<Long>> timerAtSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("release")
  private final TimerSpec releaseSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  public OrderedRuleFn(SequentialRule<S> rule) {
    this.rule = rule;
    this.ruleStateSpec = StateSpecs.value(JsonCoder.of(rule.stateClass()));
  }

  @ProcessElement
  public void process(
      @Element KV<String, ClusterEvent> element,
      @StateId("buffer") BagState<ClusterEvent> buffer,
      @StateId("timerAt") ValueState<Long> timerAt,
      @TimerId("release") Timer release) {
    buffer.add(element.getValue());
    long eventMillis = Math.floorDiv(element.getValue().timeNanos(), Times.NANOS_PER_MILLI);
    Long pending = timerAt.read();
    if (pending == null || eventMillis < pending) {
      schedule(eventMillis, timerAt, release);
    }
  }

  @OnTimer("release")
  public void release(
      OnTimerContext context,
      @StateId("buffer") BagState<ClusterEvent> buffer,
      @StateId("ruleState") ValueState<S> ruleState,
      @StateId("timerAt") ValueState<Long> timerAt,
      @TimerId("release") Timer release) {
    long firedMillis = context.timestamp().getMillis();
    List<ClusterEvent> ready = new ArrayList<>();
    List<ClusterEvent> waiting = new ArrayList<>();
    for (ClusterEvent event : buffer.read()) {
      (Math.floorDiv(event.timeNanos(), Times.NANOS_PER_MILLI) <= firedMillis ? ready : waiting).add(event);
    }
    ready.sort(EVENT_ORDER);

    S state = ruleState.read();
    if (state == null) {
      state = rule.newState();
    }
    for (ClusterEvent event : ready) {
      fireDeadlines(state, event.timeNanos() - 1, context);
      rule.onEvent(state, event, context::output);
    }
    fireDeadlines(state, (firedMillis + 1) * Times.NANOS_PER_MILLI - 1, context);

    buffer.clear();
    waiting.forEach(buffer::add);
    if (rule.isEmpty(state)) {
      ruleState.clear();
    } else {
      ruleState.write(state);
    }

    // The next release waits for the LATEST waiting event, not the earliest: every release is a runner round trip
    // (in batch the DirectRunner fires re-set timers one round at a time), and releasing all waiting events at
    // once keeps their order. Earlier arrivals still pull the timer back in process(), so a stream never starves.
    Long next = null;
    for (ClusterEvent event : waiting) {
      long millis = Math.floorDiv(event.timeNanos(), Times.NANOS_PER_MILLI);
      next = next == null ? millis : Math.max(next, millis);
    }
    Long deadline = rule.nextDeadline(state);
    if (deadline != null) {
      long millis = Math.floorDiv(deadline, Times.NANOS_PER_MILLI);
      next = next == null ? millis : Math.min(next, millis);
    }
    if (next == null) {
      timerAt.clear();
    } else {
      schedule(next, timerAt, release);
    }
  }

  private void fireDeadlines(S state, long upToNanos, OnTimerContext context) {
    Long deadline;
    while ((deadline = rule.nextDeadline(state)) != null && deadline <= upToNanos) {
      rule.onDeadline(state, deadline, context::output);
    }
  }

  private static void schedule(long millis, ValueState<Long> timerAt, Timer release) {
    timerAt.write(millis);
    release.set(new org.joda.time.Instant(millis));
  }
}
