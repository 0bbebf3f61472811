package com.gkeaudit.detect;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.JsonCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * The whole rule catalogue over enriched ClusterManager events: per-entry rules, and per-key rules that see each
 * cluster's, principal's or operation's events in event-time order. Deadline findings pass the end-of-input gate.
 */
public final class DetectFindings extends PTransform<PCollection<ClusterEvent>, PCollection<Finding>> {
  private final RuleConfig config;
  private final PCollection<Long> clock;
  private final int shards;

  private DetectFindings(RuleConfig config, PCollection<Long> clock, int shards) {
    this.config = config;
    this.clock = clock;
    this.shards = shards;
  }

  /** @param clock event times (epoch nanos) of every LogEntry read, any service (SPEC §4 end of input) */
  public static DetectFindings with(RuleConfig config, PCollection<Long> clock) {
    return new DetectFindings(config, clock, 16);
  }

  /** Beam keys per rule step; rule keys (clusters, principals, operations) are spread over them. */
  public DetectFindings withShards(int count) {
    return new DetectFindings(config, clock, count);
  }

  @Override
  public PCollection<Finding> expand(PCollection<ClusterEvent> events) {
    JsonCoder<Finding> findingCoder = JsonCoder.of(Finding.class);
    PCollection<Finding> rotations =
        inOrder(events, "Rotations", new RotationRule(config)).apply("EndOfInput", EndOfInputGate.withClock(clock));
    return PCollectionList.of(
            events.apply("PerEntryRules", ParDo.of(new PerEventRulesFn(config))).setCoder(findingCoder))
        .and(rotations)
        .and(inOrder(events, "OperationFailed", new OperationFailedRule(config)))
        .and(inOrder(events, "ChangeBurst", BurstRule.changes(config)))
        .and(inOrder(events, "DeniedBurst", BurstRule.deniedCalls(config)))
        .and(inOrder(events, "MultiClusterChange", BurstRule.multiCluster(config)))
        .and(inOrder(events, "NewPrincipal", new NewPrincipalRule(config)))
        .and(inOrder(events, "VersionDowngrade", new VersionDowngradeRule(config)))
        .and(inOrder(events, "Behaviour", BehaviourRules.all(config)))
        .apply("AllFindings", Flatten.pCollections())
        .apply("CountFindings", ParDo.of(new CountFn()))
        .setCoder(findingCoder);
  }

  private <S> PCollection<Finding> inOrder(PCollection<ClusterEvent> events, String name, SequentialRule<S> rule) {
    return events
        .apply(name + "Key", ParDo.of(new KeyFn(rule, shards)))
        .setCoder(KvCoder.of(VarIntCoder.of(), JsonCoder.of(ClusterEvent.class)))
        .apply(name, ParDo.of(new OrderedRuleFn<>(rule)))
        .setCoder(JsonCoder.of(Finding.class));
  }

  static final class KeyFn extends DoFn<ClusterEvent, KV<Integer, ClusterEvent>> {
    private final SequentialRule<?> rule;
    private final int shards;

    KeyFn(SequentialRule<?> rule, int shards) {
      this.rule = rule;
      this.shards = shards;
    }

    @ProcessElement
    public void process(@Element ClusterEvent event, OutputReceiver<KV<Integer, ClusterEvent>> out) {
      String key = rule.keyOf(event);
      if (key != null) {
        out.output(KV.of(OrderedRuleFn.shardOf(key, shards), event));
      }
    }
  }

  /** Findings by rule and severity, as Beam metrics (the local run's summary reads them). */
  static final class CountFn extends DoFn<Finding, Finding> {
    @ProcessElement
    public void process(@Element Finding finding, OutputReceiver<Finding> out) {
      Metrics.counter("gkeaudit", "findings").inc();
      Metrics.counter("gkeaudit", "findings." + finding.ruleId() + "." + finding.severity()).inc();
      out.output(finding);
    }
  }
}
