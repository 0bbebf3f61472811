package com.gkeaudit.transforms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Times;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
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
 * docs/streaming.md: an entry later than the allowed lateness is still an event (and the single-entry rules judged it), but
 * the stateful rules that had already moved past its time did not see it. Each such rule reports it ({@link
 * OrderedRuleFn#LATE}); this step turns those reports into one {@code late} dead letter and one {@code records_late}
 * count per entry, naming the first rule that missed it, however many rules report it.
 */
public final class LateEntries extends PTransform<PCollection<KV<String, ClusterEvent>>, PCollection<DeadLetter>> {
  static final Counter LATE = Metrics.counter("gkeaudit", "records_late");
  /** Reports of one entry by several rules arrive together; its identity is kept this long to drop the repeats. */
  static final Duration REMEMBER = Duration.standardMinutes(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final int shards;

  private LateEntries(int shards) {
    this.shards = shards;
  }

  /** @param shards Beam keys the entry identities are spread over */
  public static LateEntries withShards(int shards) {
    return new LateEntries(shards);
  }

  @Override
  public PCollection<DeadLetter> expand(PCollection<KV<String, ClusterEvent>> missed) {
    return missed
        .apply("ShardByEntry", ParDo.of(new ShardFn(shards)))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), JsonCoder.of(ClusterEvent.class))))
        .apply("OncePerEntry", ParDo.of(new OnceFn()))
        .setCoder(JsonCoder.of(DeadLetter.class));
  }

  static final class ShardFn extends DoFn<KV<String, ClusterEvent>, KV<Integer, KV<String, ClusterEvent>>> {
    private final int shards;

    ShardFn(int shards) {
      this.shards = shards;
    }

    @ProcessElement
    public void process(
        @Element KV<String, ClusterEvent> report, OutputReceiver<KV<Integer, KV<String, ClusterEvent>>> out) {
      out.output(KV.of(OrderedRuleFn.shardOf(report.getValue().dedupeKey(), shards), report));
    }
  }

  static final class OnceFn extends DoFn<KV<Integer, KV<String, ClusterEvent>>, DeadLetter> {
    /** Identity -> processing time (epoch millis) it was reported. */
    @StateId("reported")
    private final StateSpec<ValueState<Map<String, Long>>> reportedSpec =
        StateSpecs.value(JsonCoder.mapOf(Long.class));

    @StateId("sweepAt")
    private final StateSpec<ValueState<Long>> sweepAtSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("sweep")
    private final TimerSpec sweepSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    @ProcessElement
    public void process(
        @Element KV<Integer, KV<String, ClusterEvent>> element,
        @StateId("reported") ValueState<Map<String, Long>> reportedState,
        @StateId("sweepAt") ValueState<Long> sweepAt,
        @TimerId("sweep") Timer sweep,
        OutputReceiver<DeadLetter> out) {
      String rule = element.getValue().getKey();
      ClusterEvent event = element.getValue().getValue();
      Map<String, Long> reported = reportedState.read();
      if (reported == null) {
        reported = new TreeMap<>();
      }
      if (reported.putIfAbsent(event.dedupeKey(), System.currentTimeMillis()) != null) {
        return;
      }
      reportedState.write(reported);
      if (sweepAt.read() == null) {
        sweepAt.write(1L);
        sweep.offset(REMEMBER).setRelative();
      }
      // Not a records_dead_letter: the record is already counted as a ClusterManager entry and an event (docs/output.md
      // accounting); this dead letter says what it missed.
      LATE.inc();
      out.output(deadLetter(event, rule));
    }

    @OnTimer("sweep")
    public void sweep(
        @StateId("reported") ValueState<Map<String, Long>> reportedState,
        @StateId("sweepAt") ValueState<Long> sweepAt,
        @TimerId("sweep") Timer sweep) {
      Map<String, Long> reported = reportedState.read();
      long before = System.currentTimeMillis() - REMEMBER.getMillis();
      if (reported != null) {
        reported.values().removeIf(at -> at <= before);
      }
      if (reported == null || reported.isEmpty()) {
        reportedState.clear();
        sweepAt.clear();
      } else {
        reportedState.write(reported);
        sweep.offset(REMEMBER).setRelative();
      }
    }
  }

  /** The event as written to {@code events} (secrets were scrubbed when it was parsed), with what it missed. */
  static DeadLetter deadLetter(ClusterEvent event, String rule) {
    byte[] raw;
    try {
      raw = MAPPER.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String error =
        "event time " + Times.format(event.timeNanos()) + " arrived after " + rule
            + " had evaluated its key past it (more than --allowedLatenessMinutes behind the watermark): written to "
            + "events and judged by the single-entry rules, but not by " + rule
            + " nor any other stateful rule that had moved past it";
    String source = "entry " + event.logName() + " " + event.insertId();
    return DeadLetter.of(DeadLetter.LATE, error, source, null, raw, 0, raw.length, raw.length, event.timeNanos());
  }
}
