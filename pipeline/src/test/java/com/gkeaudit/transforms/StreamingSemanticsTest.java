package com.gkeaudit.transforms;

import com.gkeaudit.io.ParseRecords;
import com.gkeaudit.io.ReadPubsubEntries;
import com.gkeaudit.io.StreamEntry;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Finding;
import com.gkeaudit.options.RuleConfigs;
import com.gkeaudit.rules.ClusterEvents;
import com.gkeaudit.rules.Findings;
import com.gkeaudit.rules.Rule;
import com.gkeaudit.rules.RuleConfig;
import com.gkeaudit.rules.RuleRun;
import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.k8sLine;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Live semantics of a stream read from Pub/Sub: messages as {@code PubsubEntrySource} emits them (a {@link
 * StreamEntry}, stamped with its event time, flagged late when it arrived behind the watermark) are fed from a
 * TestStream through {@link ReadPubsubEntries#parse}, {@link DedupeEntries} and {@link DetectFindings}, wired as
 * {@code GkeAuditPipeline.build} wires them (enrichment, a side-input join that changes no timing, is left out).
 */
@ExtendWith(TestPipelineExtension.class)
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class StreamingSemanticsTest {
  private static final String SUBSCRIPTION = "projects/p/subscriptions/audit";
  private static final Duration DAY = Duration.ofDays(1);

  /** One Pub/Sub message: a LogEntry line with its event time, message id and late flag. */
  private record Delivery(String line, Instant at, String messageId, boolean late) {
    static Delivery of(ClusterEvents.Builder entry, Instant at, String messageId) {
      return new Delivery(entry.at(at).line(), at, messageId, false);
    }

    static Delivery k8s(Instant at, String messageId) {
      return new Delivery(k8sLine(at), at, messageId, false);
    }

    Delivery redelivered(String newMessageId) {
      return new Delivery(line, at, newMessageId, false);
    }

    /** As the source marks an entry read behind its watermark. */
    Delivery arrivingLate() {
      return new Delivery(line, at, messageId, true);
    }

    TimestampedValue<StreamEntry> message(long watermarkMillis) {
      StreamEntry entry = new StreamEntry(line.getBytes(StandardCharsets.UTF_8), messageId, at.toEpochMilli(),
          StreamEntry.FROM_ATTRIBUTE, late, watermarkMillis);
      return TimestampedValue.of(entry, new org.joda.time.Instant(at.toEpochMilli()));
    }
  }

  /** Builds a TestStream of messages, tracking the watermark each late message is said to have missed. */
  private static final class Stream {
    private TestStream.Builder<StreamEntry> builder = TestStream.create(StreamEntry.Coder.of());
    private long watermark = Long.MIN_VALUE;

    @SuppressWarnings("unchecked")
    Stream deliver(Delivery... deliveries) {
      List<TimestampedValue<StreamEntry>> values = new ArrayList<>();
      for (Delivery d : deliveries) {
        values.add(d.message(watermark));
      }
      builder = builder.addElements(values.get(0), values.subList(1, values.size()).toArray(new TimestampedValue[0]));
      return this;
    }

    Stream watermarkTo(Instant at) {
      watermark = at.toEpochMilli();
      builder = builder.advanceWatermarkTo(new org.joda.time.Instant(watermark));
      return this;
    }

    /** A quiet subscription: the source moves the watermark to just past the newest entry read. */
    Stream quietAfter(Instant newest) {
      return watermarkTo(newest.plusMillis(1));
    }

    TestStream<StreamEntry> end() {
      return builder.advanceWatermarkToInfinity();
    }
  }

  private record Outputs(PCollection<String> events, PCollection<String> findings, PCollection<String> deadLetters) {}

  /** Parse, dedupe and detect as the pipeline does; outputs described as strings for PAssert. */
  private static Outputs run(TestPipeline pipeline, TestStream<StreamEntry> messages, RuleConfig config,
      org.joda.time.Duration dedupeHorizon) {
    return run(pipeline, messages, config, dedupeHorizon, org.joda.time.Duration.standardMinutes(10));
  }

  private static Outputs run(TestPipeline pipeline, TestStream<StreamEntry> messages, RuleConfig config,
      org.joda.time.Duration dedupeHorizon, org.joda.time.Duration lateness) {
    PCollectionTuple records = pipeline.apply("Messages", messages).apply("Parse", ReadPubsubEntries.parse(SUBSCRIPTION));
    PCollection<Long> clock = records.get(ParseRecords.CLOCK).setCoder(VarLongCoder.of());
    PCollection<DeadLetter> deadLetters =
        records.get(ParseRecords.DEAD_LETTERS).setCoder(JsonCoder.of(DeadLetter.class));
    PCollection<ClusterEvent> events = records.get(ParseRecords.EVENTS)
        .setCoder(JsonCoder.of(ClusterEvent.class))
        .apply("Dedupe", DedupeEntries.within(dedupeHorizon).withShards(4));
    PCollectionTuple detected =
        events.apply("Detect", DetectFindings.with(config, clock).withShards(4).withAllowedLateness(lateness));
    PCollection<Finding> findings = detected.get(DetectFindings.FINDINGS);
    deadLetters = PCollectionList.of(deadLetters).and(detected.get(DetectFindings.LATE))
        .apply("AllDeadLetters", Flatten.pCollections());
    return new Outputs(
        events.apply("DescribeEvents", MapElements.into(TypeDescriptors.strings()).via(ClusterEvent::insertId)),
        findings.apply("DescribeFindings",
            MapElements.into(TypeDescriptors.strings()).via(OrderedDetectionStreamTest::describe)),
        deadLetters.apply("DescribeDeadLetters",
            MapElements.into(TypeDescriptors.strings())
                // A late entry's dead letter names the entry; a record's carries the record.
                .via(d -> d.reason() + " " + (d.reason().equals(DeadLetter.LATE) ? d.source() : d.rawRecord()))));
  }

  private static Outputs run(TestPipeline pipeline, TestStream<StreamEntry> messages, RuleConfig config) {
    return run(pipeline, messages, config, org.joda.time.Duration.standardHours(48));
  }

  private static List<String> describeAll(List<Finding> findings) {
    return findings.stream().map(OrderedDetectionStreamTest::describe).toList();
  }

  private static String insertIdOf(Delivery d) {
    return ClusterEvents.json(d.line()).get("insertId").asText();
  }


  // (a) Late data.

  // docs/streaming.md (changed by issue 12: a late entry used to be dead-lettered instead of becoming an event): an entry
  // later than the allowed lateness is still an event, still judged by the single-entry rules, and dead-lettered
  // 'late' once for the stateful rules that had moved past it.
  @Test
  void anEntryLaterThanTheAllowedLatenessIsStillAnEventAndASingleEntryFindingAndOneLateDeadLetter(
      TestPipeline pipeline) {
    Delivery onTime = Delivery.of(change("SetLabels").request("{}"), T0.plus(Duration.ofHours(1)), "m1");
    Delivery lateAbac =
        Delivery.of(change("SetLegacyAbac").request("{'enabled': true}"), T0, "m2").arrivingLate();
    Delivery lateK8s = Delivery.k8s(T0.plus(Duration.ofMinutes(10)), "m3").arrivingLate();
    List<Finding> reference = reference(List.of(lateAbac), RuleConfigs.defaults());
    List<Finding> posture = Findings.ofRule(reference, Rule.POSTURE_WEAKENED);
    assertThat(posture.size(), is(1));

    // The watermark moves two hours past the change on the same cluster: with 10 minutes' lateness, the cluster's
    // rules have evaluated it (and everything up to 1 h 50 min after it), so an entry at T0 is far too late.
    TestStream<StreamEntry> stream = new Stream()
        .deliver(onTime)
        .watermarkTo(onTime.at().plus(Duration.ofHours(2)))
        .deliver(lateAbac, lateK8s)
        .end();

    Outputs out = run(pipeline, stream, RuleConfigs.defaults());
    String logName = ClusterEvents.json(lateAbac.line()).get("logName").asText();
    PAssert.that(out.deadLetters())
        .containsInAnyOrder(DeadLetter.LATE + " entry " + logName + " " + insertIdOf(lateAbac));
    PAssert.that(out.events()).containsInAnyOrder(insertIdOf(onTime), insertIdOf(lateAbac));
    PAssert.that(out.findings()).containsInAnyOrder(describeAll(posture));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void aStragglerWithinTheAllowedLatenessIsSeenInOrder(TestPipeline pipeline) {
    // Four changes on one cluster make a change burst only with the straggler, which arrives after the watermark
    // passed it by 8 minutes (a quiet stream's watermark jumps to its newest entry): within 10 minutes' lateness.
    List<Delivery> changes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      changes.add(Delivery.of(change("SetLabels").request("{}"), T0.plus(Duration.ofMinutes(10L * (i + 1))), "c" + i));
    }
    Delivery straggler = Delivery.of(change("SetLabels").request("{}"), T0.plus(Duration.ofMinutes(22)), "late-one");
    List<Delivery> all = new ArrayList<>(changes);
    all.add(straggler);
    List<Finding> expected = reference(all, RuleConfigs.defaults());
    assertThat(Findings.ofRule(expected, Rule.CHANGE_BURST).size(), is(1));

    TestStream<StreamEntry> stream = new Stream()
        .deliver(changes.toArray(Delivery[]::new))
        .quietAfter(T0.plus(Duration.ofMinutes(30)))
        .deliver(straggler)
        .end();

    Outputs out = run(pipeline, stream, RuleConfigs.defaults());
    PAssert.that(out.findings()).containsInAnyOrder(describeAll(expected));
    PAssert.that(out.deadLetters()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void theSameEntriesOnTimeGiveEventsAndNoDeadLetter(TestPipeline pipeline) {
    // The control of the test above: only the late flag differs.
    Delivery onTime = Delivery.of(change("SetLabels").request("{}"), T0.plus(Duration.ofHours(1)), "m1");
    Delivery change = Delivery.of(change("SetLabels").request("{}"), T0, "m2");
    Delivery k8s = Delivery.k8s(T0.plus(Duration.ofMinutes(10)), "m3");

    TestStream<StreamEntry> stream = new Stream().deliver(change, k8s).deliver(onTime).end();

    Outputs out = run(pipeline, stream, RuleConfigs.defaults());
    PAssert.that(out.deadLetters()).empty();
    PAssert.that(out.events()).containsInAnyOrder(insertIdOf(onTime), insertIdOf(change));
    pipeline.run().waitUntilFinish();
  }

  // (b) Out-of-order arrival across watermark advances.

  /** Six changes on c1 in 50 minutes (a change burst), a rotation on c2 left open, and a later Kubernetes entry. */
  private static List<Delivery> burstAndStalledRotation() {
    List<Delivery> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(Delivery.of(change("SetLabels").request("{}"), T0.plus(Duration.ofMinutes(10L * i)), "burst-" + i));
    }
    all.add(Delivery.of(change("StartIPRotation").cluster("c2").request("{}"), T0.plus(Duration.ofMinutes(5)),
        "rotation"));
    all.add(Delivery.k8s(T0.plus(DAY).plus(Duration.ofHours(2)), "k8s"));
    return all;
  }

  private static List<Finding> reference(List<Delivery> deliveries, RuleConfig config) {
    List<ClusterEvent> events = new ArrayList<>();
    long clock = Long.MIN_VALUE;
    for (Delivery d : deliveries) {
      clock = Math.max(clock, nanos(d.at()));
      var outcome = com.gkeaudit.parse.LogEntryParser.parse(d.line().getBytes(StandardCharsets.UTF_8), "test");
      if (outcome.kind() == com.gkeaudit.parse.ParseOutcome.Kind.CLUSTER_MANAGER) {
        events.add(outcome.event());
      }
    }
    return RuleRun.catalogue(config, events, clock);
  }

  /**
   * The deliveries in {@code order} (indexes into the list), one message at a time; after each, the watermark moves
   * as far as it may without making an undelivered one late.
   */
  private static TestStream<StreamEntry> arriving(List<Delivery> all, String order) {
    Stream stream = new Stream();
    List<Delivery> toCome = new ArrayList<>();
    for (char c : order.toCharArray()) {
      toCome.add(all.get(c - '0'));
    }
    assertThat(toCome.size(), is(all.size()));
    Instant watermark = Instant.MIN;
    while (!toCome.isEmpty()) {
      stream.deliver(toCome.remove(0));
      Instant earliest = toCome.stream().map(Delivery::at).min(Comparator.naturalOrder()).orElse(null);
      if (earliest != null && earliest.isAfter(watermark)) {
        watermark = earliest;
        stream.watermarkTo(watermark);
      }
    }
    return stream.end();
  }

  @ParameterizedTest(name = "arrival {0}")
  @ValueSource(strings = {"01234567", "76543210", "35240176", "61502734"})
  void arrivalOrderDoesNotChangeTheFindings(String order, TestPipeline pipeline) {
    List<Delivery> all = burstAndStalledRotation();
    List<Finding> expected = reference(all, RuleConfigs.defaults());
    assertThat(Findings.ofRule(expected, Rule.CHANGE_BURST).size(), is(1));
    assertThat(Findings.ofRule(expected, Rule.IP_ROTATION_STALLED).size(), is(1));

    PAssert.that(run(pipeline, arriving(all, order), RuleConfigs.defaults()).findings())
        .containsInAnyOrder(describeAll(expected));
    pipeline.run().waitUntilFinish();
  }

  // (c) Duplicates across redelivery.

  private static final RuleConfig TRUSTING_OFFICE = RuleConfigs.of("--trustedCidrs=203.0.113.0/24");

  @Test
  void anEntryDeliveredAgainUnderAnotherMessageIdAfterAWatermarkAdvanceIsOneEventAndOneFinding(
      TestPipeline pipeline) {
    Delivery earlier = Delivery.of(change("SetLabels").request("{}"), T0, "m1");
    Delivery untrusted =
        Delivery.of(change("SetLabels").request("{}").from("198.51.100.7"), T0.plus(Duration.ofMinutes(30)), "m2");
    Delivery again = untrusted.redelivered("m3");
    List<Finding> expected = reference(List.of(earlier, untrusted), TRUSTING_OFFICE);
    assertThat(Findings.ofRule(expected, Rule.UNTRUSTED_SOURCE).size(), is(1));

    // The watermark advances to the entry's own time (as far as it may without making the copy late): everything
    // before it is released downstream before the copy arrives.
    TestStream<StreamEntry> stream = new Stream()
        .deliver(earlier, untrusted)
        .watermarkTo(untrusted.at())
        .deliver(again)
        .watermarkTo(untrusted.at().plus(Duration.ofHours(1)))
        .end();

    Outputs out = run(pipeline, stream, TRUSTING_OFFICE);
    PAssert.that(out.events()).containsInAnyOrder(insertIdOf(earlier), insertIdOf(untrusted));
    PAssert.that(out.findings()).containsInAnyOrder(describeAll(expected));
    PAssert.that(out.deadLetters()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void copiesInOneBundleAndAcrossBundlesAreOneEvent(TestPipeline pipeline) {
    Delivery entry = Delivery.of(change("SetLabels").request("{}"), T0, "m1");
    TestStream<StreamEntry> stream = new Stream()
        .deliver(entry, entry.redelivered("m2"))
        .deliver(entry.redelivered("m3"))
        .end();

    PAssert.that(run(pipeline, stream, RuleConfigs.defaults()).events()).containsInAnyOrder(insertIdOf(entry));
    pipeline.run().waitUntilFinish();
  }

  // (d) Deadlines at the end of input, in a stream.

  private static final Delivery ROTATION =
      Delivery.of(change("StartIPRotation").request("{}"), T0, "rotation");
  private static final Delivery K8S_AN_HOUR_LATER = Delivery.k8s(T0.plus(Duration.ofHours(1)), "k8s-1");

  @Test
  void aDeadlineBeyondTheLastEntryIsNotReportedWhenTheWatermarkGoesToInfinity(TestPipeline pipeline) {
    List<Finding> expected = reference(List.of(ROTATION, K8S_AN_HOUR_LATER), RuleConfigs.defaults());
    assertThat(Findings.ofRule(expected, Rule.IP_ROTATION_STALLED).size(), is(0));

    TestStream<StreamEntry> stream = new Stream()
        .deliver(ROTATION, K8S_AN_HOUR_LATER)
        .quietAfter(K8S_AN_HOUR_LATER.at())
        .end();

    PAssert.that(run(pipeline, stream, RuleConfigs.defaults()).findings()).containsInAnyOrder(describeAll(expected));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void aLaterEntryOfAnyServicePastTheDeadlineReportsItOnce(TestPipeline pipeline) {
    Delivery dayLater = Delivery.k8s(T0.plus(DAY).plus(Duration.ofMinutes(1)), "k8s-2");
    List<Finding> expected = reference(List.of(ROTATION, K8S_AN_HOUR_LATER, dayLater), RuleConfigs.defaults());
    List<Finding> stalled = Findings.ofRule(expected, Rule.IP_ROTATION_STALLED);
    assertThat(stalled.size(), is(1));
    assertThat(stalled.get(0).eventTimeNanos(), is(nanos(T0.plus(DAY))));

    // Quiet for a while first (the deadline's timer may fire only later), then the Kubernetes entry after it.
    TestStream<StreamEntry> stream = new Stream()
        .deliver(ROTATION, K8S_AN_HOUR_LATER)
        .quietAfter(K8S_AN_HOUR_LATER.at())
        .deliver(dayLater)
        .quietAfter(dayLater.at())
        .end();

    PAssert.that(run(pipeline, stream, RuleConfigs.defaults()).findings()).containsInAnyOrder(describeAll(expected));
    pipeline.run().waitUntilFinish();
  }

  // (e) Bounded dedupe state.

  @ParameterizedTest(name = "horizon {0} min: {1} event(s)")
  @CsvSource({"10, 2", "2880, 1"})
  void anIdentityIsForgottenOnceTheWatermarkPassesItsHorizon(long horizonMinutes, int copies, TestPipeline pipeline) {
    Delivery entry = Delivery.of(change("SetLabels").request("{}"), T0, "m1");
    Delivery later = Delivery.k8s(T0.plus(Duration.ofHours(2)), "k8s");
    // The copy is handed over as not late (the source would flag it late by then; unflagged, it reaches the dedupe
    // step, whose state is what is checked here).
    TestStream<StreamEntry> stream = new Stream()
        .deliver(entry, later)
        .quietAfter(later.at())
        .deliver(entry.redelivered("m2"))
        .end();

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < copies; i++) {
      expected.add(insertIdOf(entry));
    }
    PAssert.that(run(pipeline, stream, RuleConfigs.defaults(), org.joda.time.Duration.standardMinutes(horizonMinutes))
        .events()).containsInAnyOrder(expected);
    pipeline.run().waitUntilFinish();
  }
}
