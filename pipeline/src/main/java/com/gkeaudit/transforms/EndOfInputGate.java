package com.gkeaudit.transforms;

import com.gkeaudit.model.Finding;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.joda.time.Duration;

/**
 * docs/rules.md end of input: a deadline finding is reported only once an entry (of any service) with an event time at
 * or after the deadline has been seen. Candidates wait here until the input's clock (the highest event time read so
 * far) reaches them; in batch, those still waiting at the end are dropped, and a drained stream agrees.
 *
 * <p>Nothing funnels the stream through one key: candidates are keyed by a shard of their cluster, and the clock is
 * first reduced to its running maximum by a combine (which the runner pre-combines on every worker, so one key sees
 * one value per worker and pane), then that maximum is handed to every shard.
 */
public final class EndOfInputGate extends PTransform<PCollection<Finding>, PCollection<Finding>> {
  /** How often the clock's maximum is handed to the shards in a stream: deadlines are hours, seconds do not matter. */
  static final Duration CLOCK_EVERY = Duration.standardSeconds(1);

  private final PCollection<Long> clock;
  private final int shards;

  private EndOfInputGate(PCollection<Long> clock, int shards) {
    this.clock = clock;
    this.shards = shards;
  }

  /** @param clock event times (epoch nanos) of the input, any granularity: only their running maximum matters */
  public static EndOfInputGate withClock(PCollection<Long> clock) {
    return new EndOfInputGate(clock, 16);
  }

  /** Beam keys the candidates are spread over. */
  public EndOfInputGate withShards(int count) {
    return new EndOfInputGate(clock, count);
  }

  /** A candidate finding or a clock reading; exactly one is set. */
  public record Signal(Finding candidate, Long clockNanos) {}

  @Override
  public PCollection<Finding> expand(PCollection<Finding> candidates) {
    KvCoder<Integer, Signal> coder = KvCoder.of(VarIntCoder.of(), JsonCoder.of(Signal.class));
    PCollection<KV<Integer, Signal>> findings =
        candidates.apply("AsCandidates", ParDo.of(new CandidateFn(shards))).setCoder(coder);
    PCollection<KV<Integer, Signal>> readings =
        clock
            .apply(
                "ClockPanes",
                Window.<Long>into(new GlobalWindows())
                    .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(CLOCK_EVERY)))
                    .withAllowedLateness(Duration.ZERO)
                    .withTimestampCombiner(TimestampCombiner.LATEST)
                    .discardingFiredPanes())
            .apply("ClockMax", Combine.globally(Max.ofLongs()).withoutDefaults())
            .setCoder(VarLongCoder.of())
            .apply("ToEveryShard", ParDo.of(new BroadcastFn(shards)))
            .setCoder(coder)
            // Back to the candidates' windowing (Flatten requires one); the gate itself keeps no panes.
            .apply(
                "Unpaned",
                Window.<KV<Integer, Signal>>into(new GlobalWindows())
                    .triggering(DefaultTrigger.of())
                    .withAllowedLateness(Duration.ZERO)
                    .discardingFiredPanes());
    return PCollectionList.of(findings)
        .and(readings)
        .apply("Merge", Flatten.pCollections())
        .apply("Gate", ParDo.of(new GateFn()))
        .setCoder(JsonCoder.of(Finding.class));
  }

  static final class CandidateFn extends DoFn<Finding, KV<Integer, Signal>> {
    private final int shards;

    CandidateFn(int shards) {
      this.shards = shards;
    }

    @ProcessElement
    public void process(@Element Finding finding, OutputReceiver<KV<Integer, Signal>> out) {
      String key = finding.projectId() + "/" + finding.location() + "/" + finding.clusterName();
      out.output(KV.of(OrderedRuleFn.shardOf(key, shards), new Signal(finding, null)));
    }
  }

  static final class BroadcastFn extends DoFn<Long, KV<Integer, Signal>> {
    private final int shards;

    BroadcastFn(int shards) {
      this.shards = shards;
    }

    @ProcessElement
    public void process(@Element Long clockNanos, OutputReceiver<KV<Integer, Signal>> out) {
      for (int shard = 0; shard < shards; shard++) {
        out.output(KV.of(shard, new Signal(null, clockNanos)));
      }
    }
  }

  static final class GateFn extends DoFn<KV<Integer, Signal>, Finding> {
    @StateId("clock")
    private final StateSpec<ValueState<Long>> clockSpec = StateSpecs.value(VarLongCoder.of());

    @StateId("waiting")
    private final StateSpec<BagState<Finding>> waitingSpec = StateSpecs.bag(JsonCoder.of(Finding.class));

    @ProcessElement
    public void process(
        @Element KV<Integer, Signal> element,
        @StateId("clock") ValueState<Long> clockState,
        @StateId("waiting") BagState<Finding> waiting,
        OutputReceiver<Finding> out) {
      Signal signal = element.getValue();
      Long clock = clockState.read();
      if (signal.candidate() != null) {
        if (clock != null && signal.candidate().eventTimeNanos() <= clock) {
          out.output(signal.candidate());
        } else {
          waiting.add(signal.candidate());
        }
        return;
      }
      if (clock != null && signal.clockNanos() <= clock) {
        return;
      }
      clockState.write(signal.clockNanos());
      List<Finding> stillWaiting = new ArrayList<>();
      for (Finding candidate : waiting.read()) {
        if (candidate.eventTimeNanos() <= signal.clockNanos()) {
          out.output(candidate);
        } else {
          stillWaiting.add(candidate);
        }
      }
      waiting.clear();
      stillWaiting.forEach(waiting::add);
    }
  }
}
