package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.options.RuleConfigs;
import com.gkeaudit.transforms.DetectFindings;
import com.gkeaudit.transforms.JsonCoder;
import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.change;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/streaming.md time to detect: a single-entry finding comes out as soon as its entry is read, whatever the watermark;
 * stateful findings wait for the watermark (plus the allowed lateness). Findings are observed in processing-time
 * panes, as the NDJSON sink writes them: an early pane holds what was emitted before the watermark moved at all.
 */
@ExtendWith(TestPipelineExtension.class)
class EarlyFindingsStreamTest {
  /** A finding's rule and the timing of the pane it was written in. */
  static final class RuleAndPaneFn extends DoFn<KV<String, Iterable<String>>, String> {
    @ProcessElement
    public void process(@Element KV<String, Iterable<String>> pane, PaneInfo info, OutputReceiver<String> out) {
      for (String ruleId : pane.getValue()) {
        out.output(ruleId + " " + info.getTiming());
      }
    }
  }

  @Test
  void aPostureFindingIsEmittedBeforeTheWatermarkMovesAndAChangeBurstOnlyAfter(TestPipeline pipeline) {
    List<ClusterEvent> changes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      changes.add(change("SetLabels").cluster("c1").request("{}").at(T0.plus(Duration.ofMinutes(i))).build());
    }
    ClusterEvent abac =
        change("SetLegacyAbac").cluster("c2").request("{'enabled': true}").at(T0.plus(Duration.ofMinutes(5))).build();
    List<TimestampedValue<ClusterEvent>> arriving = new ArrayList<>();
    for (ClusterEvent event : changes) {
      arriving.add(TimestampedValue.of(event, Times.toJoda(event.timeNanos())));
    }
    arriving.add(TimestampedValue.of(abac, Times.toJoda(abac.timeNanos())));

    TestStream<ClusterEvent> stream =
        TestStream.create(JsonCoder.of(ClusterEvent.class))
            .addElements(arriving.get(0), arriving.subList(1, arriving.size()).toArray(TimestampedValue[]::new))
            // Seconds pass; the watermark has not moved: only what needs no watermark can be out.
            .advanceProcessingTime(org.joda.time.Duration.standardSeconds(2))
            .advanceWatermarkToInfinity();
    PCollection<Long> clock =
        pipeline.apply("Clock", Create.of(List.of(abac.timeNanos())).withCoder(VarLongCoder.of()));

    PCollection<String> rules =
        pipeline
            .apply("Events", stream)
            .apply("Detect", DetectFindings.with(RuleConfigs.defaults(), clock).withShards(2))
            .get(DetectFindings.FINDINGS)
            .apply(
                "Panes",
                Window.<Finding>into(new GlobalWindows())
                    .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane()))
                    .withAllowedLateness(org.joda.time.Duration.ZERO)
                    .discardingFiredPanes())
            // A pane is what a grouping step (the NDJSON sink's, here a plain one) emits at one trigger firing.
            .apply("OneKey", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((Finding f) -> KV.of("", f.ruleId())))
            .apply("Group", GroupByKey.create())
            .apply("RuleAndPane", ParDo.of(new RuleAndPaneFn()));

    PAssert.that(rules).containsInAnyOrder("posture-weakened EARLY", "change-burst ON_TIME");
    pipeline.run().waitUntilFinish();
  }
}
