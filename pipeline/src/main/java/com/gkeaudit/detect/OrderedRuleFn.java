package com.gkeaudit.detect;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.JsonCoder;
import com.gkeaudit.model.Times;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
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
 * Runs a {@link SequentialRule} in event-time order per rule key (cluster, principal, operation), whatever the
 * arrival order: events wait in state until the event-time watermark passes them, then an event-time timer releases
 * them sorted. Rule deadlines are interleaved at their times (an event at exactly a deadline is processed first). In
 * batch the watermark reaches the end of input only after every element has arrived, so the result is a function of
 * the input set alone.
 *
 * <p>The Beam key is a shard of the rule key ({@link #shardOf}), and each shard holds the states of its rule keys:
 * runners pay a fixed cost per key and bundle (the DirectRunner builds an evaluator for each), which per-operation or
 * per-entry keys would multiply by thousands. Order only matters within a rule key, and each key's events are still
 * seen in order.
 */
public final class OrderedRuleFn<S> extends DoFn<KV<Integer, ClusterEvent>, Finding> {
  static final Comparator<ClusterEvent> EVENT_ORDER =
      Comparator.comparingLong(ClusterEvent::timeNanos)
          .thenComparing(ClusterEvent::insertId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(ClusterEvent::logName, Comparator.nullsFirst(Comparator.naturalOrder()));

  private final SequentialRule<S> rule;

  @StateId("buffer")
  private final StateSpec<BagState<ClusterEvent>> bufferSpec = StateSpecs.bag(JsonCoder.of(ClusterEvent.class));

  /** Rule key -> that key's rule state. */
  @StateId("ruleStates")
  private final StateSpec<ValueState<Map<String, S>>> ruleStatesSpec;

  /** When the release timer is set for, in epoch millis; absent when no timer is pending. */
  @StateId("timerAt")
  private final StateSpec<ValueState<Long>> timerAtSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("release")
  private final TimerSpec releaseSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  public OrderedRuleFn(SequentialRule<S> rule) {
    this.rule = rule;
    this.ruleStatesSpec = StateSpecs.value(JsonCoder.mapOf(rule.stateClass()));
  }

  /** The Beam key of a rule key: deterministic across JVMs (String.hashCode is specified). */
  public static int shardOf(String ruleKey, int shards) {
    return Math.floorMod(ruleKey.hashCode(), shards);
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, ClusterEvent> element,
      @Timestamp org.joda.time.Instant elementTime,
      @StateId("buffer") BagState<ClusterEvent> buffer,
      @StateId("timerAt") ValueState<Long> timerAt,
      @TimerId("release") Timer release) {
    buffer.add(element.getValue());
    // A timer may not be set before its element: from Pub/Sub, the element's time is the sink's timestamp attribute,
    // which is the entry's own timestamp in practice but is not checked to be.
    long releaseMillis =
        Math.max(Math.floorDiv(element.getValue().timeNanos(), Times.NANOS_PER_MILLI), elementTime.getMillis());
    Long pending = timerAt.read();
    if (pending == null || releaseMillis < pending) {
      schedule(releaseMillis, timerAt, release);
    }
  }

  @OnTimer("release")
  public void release(
      OnTimerContext context,
      @StateId("buffer") BagState<ClusterEvent> buffer,
      @StateId("ruleStates") ValueState<Map<String, S>> ruleStates,
      @StateId("timerAt") ValueState<Long> timerAt,
      @TimerId("release") Timer release) {
    long firedMillis = context.timestamp().getMillis();
    List<ClusterEvent> ready = new ArrayList<>();
    List<ClusterEvent> waiting = new ArrayList<>();
    for (ClusterEvent event : buffer.read()) {
      (Math.floorDiv(event.timeNanos(), Times.NANOS_PER_MILLI) <= firedMillis ? ready : waiting).add(event);
    }
    ready.sort(EVENT_ORDER);

    Map<String, S> states = ruleStates.read();
    if (states == null) {
      states = new TreeMap<>();
    }
    Consumer<Finding> out = context::output;
    for (ClusterEvent event : ready) {
      String key = rule.keyOf(event);
      S state = states.computeIfAbsent(key, k -> rule.newState());
      fireDeadlines(state, event.timeNanos() - 1, out);
      rule.onEvent(state, event, out);
    }
    long endNanos = (firedMillis + 1) * Times.NANOS_PER_MILLI - 1;
    Long nextDeadline = null;
    for (var it = states.values().iterator(); it.hasNext(); ) {
      S state = it.next();
      fireDeadlines(state, endNanos, out);
      if (rule.isEmpty(state)) {
        it.remove();
        continue;
      }
      Long deadline = rule.nextDeadline(state);
      if (deadline != null) {
        nextDeadline = nextDeadline == null ? deadline : Math.min(nextDeadline, deadline);
      }
    }

    buffer.clear();
    waiting.forEach(buffer::add);
    if (states.isEmpty()) {
      ruleStates.clear();
    } else {
      ruleStates.write(states);
    }

    // The next release waits for the LATEST waiting event, not the earliest: every release is a runner round trip
    // (in batch the DirectRunner fires re-set timers one round at a time), and releasing all waiting events at
    // once keeps their order. Earlier arrivals still pull the timer back in process(), so a stream never starves.
    Long next = null;
    for (ClusterEvent event : waiting) {
      long millis = Math.floorDiv(event.timeNanos(), Times.NANOS_PER_MILLI);
      next = next == null ? millis : Math.max(next, millis);
    }
    if (nextDeadline != null) {
      long millis = Math.floorDiv(nextDeadline, Times.NANOS_PER_MILLI);
      next = next == null ? millis : Math.min(next, millis);
    }
    if (next == null) {
      timerAt.clear();
    } else {
      schedule(next, timerAt, release);
    }
  }

  private void fireDeadlines(S state, long upToNanos, Consumer<Finding> out) {
    Long deadline;
    while ((deadline = rule.nextDeadline(state)) != null && deadline <= upToNanos) {
      rule.onDeadline(state, deadline, out);
    }
  }

  private static void schedule(long millis, ValueState<Long> timerAt, Timer release) {
    timerAt.write(millis);
    release.set(new org.joda.time.Instant(millis));
  }
}
