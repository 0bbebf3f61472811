package com.gkeaudit.transforms;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.rules.Rule;
import com.gkeaudit.rules.SequentialRule;
import java.util.ArrayList;
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
import org.apache.beam.sdk.values.TupleTag;

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
  /** Events that reached this rule after it had released events past their time (docs/streaming.md late). */
  public static final TupleTag<ClusterEvent> LATE = new TupleTag<>() {};
  /** In a stream, releases are rounded up to this: one state scan per second at most, whatever the traffic. */
  static final long RELEASE_BUCKET_MILLIS = 1_000;

  private final SequentialRule<S> rule;
  private final long holdMillis;
  private final boolean streaming;

  @StateId("buffer")
  private final StateSpec<BagState<ClusterEvent>> bufferSpec = StateSpecs.bag(JsonCoder.of(ClusterEvent.class));

  /** Rule key -> that key's rule state. */
  @StateId("ruleStates")
  private final StateSpec<ValueState<Map<String, S>>> ruleStatesSpec;

  /** When the release timer is set for, in epoch millis; absent when no timer is pending. */
  @StateId("timerAt")
  private final StateSpec<ValueState<Long>> timerAtSpec = StateSpecs.value(VarLongCoder.of());

  /**
   * Event time (epoch millis) through which this key's events and deadlines have been released: an event at or
   * before it arrives too late to be seen in order. Absent until the first release.
   */
  @StateId("releasedThrough")
  private final StateSpec<ValueState<Long>> releasedThroughSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("release")
  private final TimerSpec releaseSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  /** A batch run: the watermark reaches the end of input once, every event is released then. */
  public OrderedRuleFn(SequentialRule<S> rule) {
    this(rule, org.joda.time.Duration.ZERO, false);
  }

  /**
   * @param hold how long each event (and deadline) waits after the watermark passes its time before it is released:
   *     the allowed lateness (docs/streaming.md), so an entry arriving up to that much behind the watermark is still in order
   *     (Dataflow's Pub/Sub watermark follows the event times of the backlog and leaves no room for stragglers)
   * @param streaming whether the input is unbounded: releases then follow the earliest waiting event, so findings
   *     come out as soon as the watermark allows, instead of once at the end of input
   */
  public OrderedRuleFn(SequentialRule<S> rule, org.joda.time.Duration hold, boolean streaming) {
    this.rule = rule;
    this.holdMillis = hold.getMillis();
    this.streaming = streaming;
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
      @StateId("releasedThrough") ValueState<Long> releasedThrough,
      @TimerId("release") Timer release,
      MultiOutputReceiver out) {
    ClusterEvent event = element.getValue();
    long eventMillis = Math.floorDiv(event.timeNanos(), Times.NANOS_PER_MILLI);
    Long through = releasedThrough.read();
    if (through != null && eventMillis <= through) {
      // Its neighbours were already evaluated: seeing it now would not be seeing it in order. Reported, not used.
      out.get(LATE).output(event);
      return;
    }
    buffer.add(event);
    // A timer may not be set before its element: from Pub/Sub, the element's time is the sink's timestamp attribute,
    // which is the entry's own timestamp in practice but is not checked to be.
    long releaseMillis = Math.max(releaseTime(eventMillis), elementTime.getMillis());
    Long pending = timerAt.read();
    if (pending == null || releaseMillis < pending) {
      schedule(releaseMillis, timerAt, release);
    }
  }

  /** When an event (or a deadline) at {@code eventMillis} may be released: after the hold, in whole buckets. */
  private long releaseTime(long eventMillis) {
    long at = eventMillis + holdMillis;
    return streaming ? Math.floorDiv(at + RELEASE_BUCKET_MILLIS - 1, RELEASE_BUCKET_MILLIS) * RELEASE_BUCKET_MILLIS : at;
  }

  @OnTimer("release")
  public void release(
      OnTimerContext context,
      @StateId("buffer") BagState<ClusterEvent> buffer,
      @StateId("ruleStates") ValueState<Map<String, S>> ruleStates,
      @StateId("timerAt") ValueState<Long> timerAt,
      @StateId("releasedThrough") ValueState<Long> releasedThrough,
      @TimerId("release") Timer release) {
    // Everything at or before firedMillis is released: the watermark is at least the hold past it.
    long firedMillis = context.timestamp().getMillis() - holdMillis;
    List<ClusterEvent> ready = new ArrayList<>();
    List<ClusterEvent> waiting = new ArrayList<>();
    for (ClusterEvent event : buffer.read()) {
      (Math.floorDiv(event.timeNanos(), Times.NANOS_PER_MILLI) <= firedMillis ? ready : waiting).add(event);
    }
    ready.sort(SequentialRule.EVENT_ORDER);

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

    Long through = releasedThrough.read();
    if (through == null || firedMillis > through) {
      releasedThrough.write(firedMillis);
    }
    buffer.clear();
    waiting.forEach(buffer::add);
    if (states.isEmpty()) {
      ruleStates.clear();
    } else {
      ruleStates.write(states);
    }

    // In batch the next release waits for the LATEST waiting event: every release is a runner round trip (the
    // DirectRunner fires re-set timers one round at a time) and all of them happen at the end of input anyway. In a
    // stream it is the EARLIEST: re-arming at the latest would hold every finding until the newest waiting event is
    // released, about one lateness span per round under steady traffic.
    Long next = null;
    for (ClusterEvent event : waiting) {
      long millis = releaseTime(Math.floorDiv(event.timeNanos(), Times.NANOS_PER_MILLI));
      next = next == null ? millis : streaming ? Math.min(next, millis) : Math.max(next, millis);
    }
    if (nextDeadline != null) {
      long millis = releaseTime(Math.floorDiv(nextDeadline, Times.NANOS_PER_MILLI));
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
