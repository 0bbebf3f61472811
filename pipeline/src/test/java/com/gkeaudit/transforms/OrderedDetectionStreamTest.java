package com.gkeaudit.transforms;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.options.RuleConfigs;
import com.gkeaudit.rules.SequentialRule;
import com.gkeaudit.rules.Findings;
import com.gkeaudit.rules.Incidents;
import com.gkeaudit.rules.RotationRule;
import com.gkeaudit.rules.Rule;
import com.gkeaudit.rules.RuleConfig;
import com.gkeaudit.rules.RuleRun;
import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DetectFindings} under streaming arrival: events reach it out of event-time order (TestStream), with the
 * watermark advancing between arrivals, and must give the findings of the in-order reference ({@link RuleRun}). The
 * end-of-input rule is checked through {@link EndOfInputGate} with an explicit input clock (event times, epoch nanos).
 */
@ExtendWith(TestPipelineExtension.class)
class OrderedDetectionStreamTest {
  private static final long HOUR = Times.NANOS_PER_HOUR;

  /** A finding as compared here: everything that identifies it, and its id. */
  static String describe(Finding f) {
    return String.join(" ", f.ruleId(), f.severity(), Times.format(f.eventTimeNanos()), String.valueOf(f.clusterName()),
        String.valueOf(f.principal()), f.findingId());
  }

  private static List<String> describeAll(List<Finding> findings) {
    return findings.stream().map(OrderedDetectionStreamTest::describe).sorted().toList();
  }

  /**
   * The events in {@code arrivalOrder}, in {@code batches} arrivals; after each, the watermark moves up to the time of
   * the earliest event still to come (as far as it may go without making it late), and finally to infinity.
   */
  private static TestStream<ClusterEvent> arriving(List<ClusterEvent> arrivalOrder, int batches) {
    TestStream.Builder<ClusterEvent> stream = TestStream.create(JsonCoder.of(ClusterEvent.class));
    int size = arrivalOrder.size();
    long watermark = Long.MIN_VALUE;
    for (int b = 0; b < batches; b++) {
      List<ClusterEvent> batch = arrivalOrder.subList(b * size / batches, (b + 1) * size / batches);
      if (batch.isEmpty()) {
        continue;
      }
      List<TimestampedValue<ClusterEvent>> values =
          batch.stream().map(e -> TimestampedValue.of(e, Times.toJoda(e.timeNanos()))).toList();
      stream = stream.addElements(values.get(0), values.subList(1, values.size()).toArray(new TimestampedValue[0]));
      List<ClusterEvent> rest = arrivalOrder.subList((b + 1) * size / batches, size);
      if (!rest.isEmpty()) {
        long earliestToCome = rest.stream().mapToLong(e -> Math.floorDiv(e.timeNanos(), Times.NANOS_PER_MILLI)).min().getAsLong();
        if (earliestToCome > watermark) {
          watermark = earliestToCome;
          stream = stream.advanceWatermarkTo(new org.joda.time.Instant(watermark));
        }
      }
    }
    return stream.advanceWatermarkToInfinity();
  }

  private static PCollection<String> detect(
      TestPipeline pipeline, TestStream<ClusterEvent> events, RuleConfig config, List<Long> clockNanos) {
    PCollection<Long> clock = pipeline.apply("Clock", Create.of(clockNanos).withCoder(VarLongCoder.of()));
    return pipeline
        .apply("Events", events)
        .apply("Detect", DetectFindings.with(config, clock))
        .get(DetectFindings.FINDINGS)
        .apply("Describe", MapElements.into(TypeDescriptors.strings()).via(OrderedDetectionStreamTest::describe));
  }

  private static long maxTime(List<ClusterEvent> events) {
    return events.stream().mapToLong(ClusterEvent::timeNanos).max().orElseThrow();
  }

  @Test
  void completionArrivingBeforeItsStartStillCompletesTheRotation(TestPipeline pipeline) {
    ClusterEvent earlier = change("SetLabels").request("{}").at(T0.minus(Duration.ofHours(1))).build();
    ClusterEvent start = change("StartIPRotation").request("{}").at(T0).build();
    ClusterEvent complete = change("CompleteIPRotation").at(T0.plus(Duration.ofHours(2))).build();
    ClusterEvent stalled = change("StartIPRotation").cluster("c2").request("{}").at(T0).build();
    List<ClusterEvent> inEventTime = List.of(earlier, start, stalled, complete);
    long clock = nanos(T0) + 30 * HOUR;
    List<Finding> expected = RuleRun.catalogue(RuleConfigs.defaults(), inEventTime, clock);
    // Only c2's rotation is stalled: the reference is not empty and does not report c1.
    assertThat(expected.size(), is(1));
    assertThat(expected.get(0).clusterName(), is("c2"));

    // The completion arrives first, with an earlier change on the same cluster; the watermark then passes that change
    // (its timer fires while the completion waits), and only then do the starts arrive.
    TestStream<ClusterEvent> stream = TestStream.create(JsonCoder.of(ClusterEvent.class))
        .addElements(TimestampedValue.of(complete, Times.toJoda(complete.timeNanos())),
            TimestampedValue.of(earlier, Times.toJoda(earlier.timeNanos())))
        .advanceWatermarkTo(Times.toJoda(nanos(T0) - Times.NANOS_PER_MILLI))
        .addElements(TimestampedValue.of(stalled, Times.toJoda(stalled.timeNanos())),
            TimestampedValue.of(start, Times.toJoda(start.timeNanos())))
        .advanceWatermarkTo(Times.toJoda(nanos(T0) + HOUR))
        .advanceWatermarkToInfinity();

    PAssert.that(detect(pipeline, stream, RuleConfigs.defaults(), List.of(clock)))
        .containsInAnyOrder(describeAll(expected));
    pipeline.run().waitUntilFinish();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 23})
  void shuffledArrivalGivesTheInOrderFindings(long seed, TestPipeline pipeline) {
    List<ClusterEvent> events = Incidents.events(Incidents.clusterManagerEntries());
    long clock = Times.toNanos(Incidents.LAST_ENTRY);
    List<Finding> expected = RuleRun.catalogue(Incidents.CONFIG, events, clock);
    assertThat(countByRule(expected), is(new TreeMap<>(Incidents.expectedCounts())));

    // Each entry is delivered up to six hours late, at random; the watermark follows the earliest undelivered one.
    Random random = new Random(seed);
    Map<ClusterEvent, Long> arrivalTime = new HashMap<>();
    events.forEach(e -> arrivalTime.put(e, e.timeNanos() + (long) (random.nextDouble() * 6 * HOUR)));
    List<ClusterEvent> arrival = new ArrayList<>(events);
    arrival.sort(Comparator.comparing(arrivalTime::get));
    assertThat(arrival.equals(events.stream().sorted(SequentialRule.EVENT_ORDER).toList()), is(false));

    PAssert.that(detect(pipeline, arriving(arrival, arrival.size() / 2), Incidents.CONFIG, List.of(maxTime(events), clock)))
        .containsInAnyOrder(describeAll(expected));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void burstEventsShuffledAcrossWatermarkAdvancesGiveOneBurst(TestPipeline pipeline) {
    List<ClusterEvent> events = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      events.add(change("SetLabels").request("{}").at(T0.plus(Duration.ofMinutes(10L * i))).build());
    }
    List<Finding> expected = RuleRun.catalogue(RuleConfigs.defaults(), events, maxTime(events));
    assertThat(Findings.ofRule(expected, Rule.CHANGE_BURST).size(), is(1));
    assertThat(expected.get(0).eventTimeNanos(), is(nanos(T0) + 30 * Times.NANOS_PER_MINUTE));

    // Arrival: the 4th, 6th and 5th first, then the rest; the watermark advances after each one as far as it can.
    List<ClusterEvent> arrival = List.of(events.get(3), events.get(5), events.get(4), events.get(2), events.get(0),
        events.get(1));

    PAssert.that(detect(pipeline, arriving(arrival, arrival.size()), RuleConfigs.defaults(), List.of(maxTime(events))))
        .containsInAnyOrder(describeAll(expected));
    pipeline.run().waitUntilFinish();
  }

  private static Map<String, Integer> countByRule(List<Finding> findings) {
    Map<String, Integer> counts = new TreeMap<>();
    findings.forEach(f -> counts.merge(f.ruleId(), 1, Integer::sum));
    return counts;
  }

  // End of input: a deadline after the input's last event time (any service) is not reported.

  private static final ClusterEvent ROTATION_C1 = change("StartIPRotation").request("{}").at(T0).build();
  private static final ClusterEvent ROTATION_C2 =
      change("StartIPRotation").cluster("c2").request("{}").at(T0.plus(Duration.ofHours(20))).build();
  private static final long DEADLINE_C1 = nanos(T0) + 24 * HOUR;
  private static final long DEADLINE_C2 = nanos(T0) + 44 * HOUR;

  private static PCollection<String> rotationsWithClock(TestPipeline pipeline, List<Long> clock) {
    TestStream<ClusterEvent> stream = TestStream.create(JsonCoder.of(ClusterEvent.class))
        .addElements(TimestampedValue.of(ROTATION_C2, Times.toJoda(ROTATION_C2.timeNanos())))
        .addElements(TimestampedValue.of(ROTATION_C1, Times.toJoda(ROTATION_C1.timeNanos())))
        .advanceWatermarkToInfinity();
    return detect(pipeline, stream, RuleConfigs.defaults(), clock);
  }

  private static String stalledAt(long deadline, String cluster, ClusterEvent start) {
    List<Finding> all = RuleRun.sequential(new RotationRule(RuleConfigs.defaults()), List.of(start));
    assertThat(all.size(), is(1));
    assertThat(all.get(0).eventTimeNanos(), is(deadline));
    assertThat(all.get(0).clusterName(), is(cluster));
    return describe(all.get(0));
  }

  @Test
  void deadlineAfterTheLastEventTimeOfTheInputIsNotReported(TestPipeline pipeline) {
    // The input's last entry is at T0 + 30 h: c1's deadline (T0 + 24 h) was reached, c2's (T0 + 44 h) was not.
    List<Long> clock = List.of(ROTATION_C1.timeNanos(), ROTATION_C2.timeNanos(), nanos(T0) + 30 * HOUR);

    PAssert.that(rotationsWithClock(pipeline, clock)).containsInAnyOrder(stalledAt(DEADLINE_C1, "c1", ROTATION_C1));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void oneMoreEntryOfAnyServiceAfterTheDeadlineReportsIt(TestPipeline pipeline) {
    // A Kubernetes entry at T0 + 45 h moves the clock past c2's deadline; no ClusterManager event is needed.
    List<Long> clock = List.of(ROTATION_C1.timeNanos(), nanos(T0) + 30 * HOUR, nanos(T0) + 45 * HOUR);

    PAssert.that(rotationsWithClock(pipeline, clock)).containsInAnyOrder(
        stalledAt(DEADLINE_C1, "c1", ROTATION_C1), stalledAt(DEADLINE_C2, "c2", ROTATION_C2));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void deadlineAtExactlyTheLastEventTimeIsReported(TestPipeline pipeline) {
    List<Long> clock = List.of(DEADLINE_C1);

    PAssert.that(rotationsWithClock(pipeline, clock)).containsInAnyOrder(stalledAt(DEADLINE_C1, "c1", ROTATION_C1));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void deadlineOneNanosecondAfterTheLastEventTimeIsNotReported(TestPipeline pipeline) {
    List<Long> clock = List.of(DEADLINE_C1 - 1);

    PAssert.that(rotationsWithClock(pipeline, clock)).empty();
    pipeline.run().waitUntilFinish();
  }
}
