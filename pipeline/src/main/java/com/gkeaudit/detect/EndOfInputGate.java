package com.gkeaudit.detect;

import com.gkeaudit.model.Finding;
import com.gkeaudit.model.JsonCoder;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * docs/rules.md end of input: a deadline finding is reported only once an entry (of any service) with an event time at
 * or after the deadline has been seen. Candidates wait here until the input's clock (the highest event time read so
 * far) reaches them; in batch, those still waiting at the end are dropped, and a drained stream agrees.
 */
public final class EndOfInputGate extends PTransform<PCollection<Finding>, PCollection<Finding>> {
  private final PCollection<Long> clock;

  private EndOfInputGate(PCollection<Long> clock) {
    this.clock = clock;
  }

  /** @param clock event times (epoch nanos) of the input, any granularity: only their running maximum matters */
  public static EndOfInputGate withClock(PCollection<Long> clock) {
    return new EndOfInputGate(clock);
  }

  /** A candidate finding or a clock reading; exactly one is set. */
  public record Signal(Finding candidate, Long clockNanos) {}

  @Override
  public PCollection<Finding> expand(PCollection<Finding> candidates) {
    KvCoder<String, Signal> coder = KvCoder.of(StringUtf8Coder.of(), JsonCoder.of(Signal.class));
    TypeDescriptor<KV<String, Signal>> type =
        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(Signal.class));
    PCollection<KV<String, Signal>> findings =
        candidates
            .apply("AsCandidates", MapElements.into(type).via(f -> KV.of("", new Signal(f, null))))
            .setCoder(coder);
    PCollection<KV<String, Signal>> readings =
        clock.apply("AsReadings", MapElements.into(type).via(t -> KV.of("", new Signal(null, t)))).setCoder(coder);
    return PCollectionList.of(findings)
        .and(readings)
        .apply("Merge", Flatten.pCollections())
        .apply("Gate", ParDo.of(new GateFn()))
        .setCoder(JsonCoder.of(Finding.class));
  }

  static final class GateFn extends DoFn<KV<String, Signal>, Finding> {
    @StateId("clock")
    private final StateSpec<ValueState<Long>> clockSpec = StateSpecs.value(VarLongCoder.of());

    @StateId("waiting")
    private final StateSpec<BagState<Finding>> waitingSpec = StateSpecs.bag(JsonCoder.of(Finding.class));

    @ProcessElement
    public void process(
        @Element KV<String, Signal> element,
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
