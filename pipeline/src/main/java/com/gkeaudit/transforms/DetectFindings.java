package com.gkeaudit.transforms;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Finding;
import com.gkeaudit.rules.BehaviourRules;
import com.gkeaudit.rules.BurstRule;
import com.gkeaudit.rules.NewPrincipalRule;
import com.gkeaudit.rules.OperationFailedRule;
import com.gkeaudit.rules.RotationRule;
import com.gkeaudit.rules.RuleConfig;
import com.gkeaudit.rules.SequentialRule;
import com.gkeaudit.rules.SingleEntryRule;
import com.gkeaudit.rules.VersionDowngradeRule;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;

/**
 * The whole rule catalogue over enriched ClusterManager events: per-entry rules, and per-key rules that see each
 * cluster's, principal's or operation's events in event-time order. Deadline findings pass the end-of-input gate.
 */
public final class DetectFindings extends PTransform<PCollection<ClusterEvent>, PCollectionTuple> {
  /** Every finding. */
  public static final TupleTag<Finding> FINDINGS = new TupleTag<>() {};
  /** One {@code late} dead letter per entry that reached a stateful rule after it had moved past the entry's time. */
  public static final TupleTag<DeadLetter> LATE = new TupleTag<>() {};
  /** {@code --allowedLatenessMinutes}' default, for a stream built without options. */
  static final Duration DEFAULT_LATENESS = Duration.standardMinutes(10);

  private final RuleConfig config;
  private final PCollection<Long> clock;
  private final int shards;
  private final Duration lateness;

  private DetectFindings(RuleConfig config, PCollection<Long> clock, int shards, Duration lateness) {
    this.config = config;
    this.clock = clock;
    this.shards = shards;
    this.lateness = lateness;
  }

  /** @param clock event times (epoch nanos) of every LogEntry read, any service (docs/rules.md end of input) */
  public static DetectFindings with(RuleConfig config, PCollection<Long> clock) {
    return new DetectFindings(config, clock, 16, DEFAULT_LATENESS);
  }

  /** Beam keys per rule step; rule keys (clusters, principals, operations) are spread over them. */
  public DetectFindings withShards(int count) {
    return new DetectFindings(config, clock, count, lateness);
  }

  /**
   * In a stream, how far behind the watermark an entry may arrive and still be seen in order by the stateful rules
   * (docs/streaming.md): each of them holds events that long past the watermark. Ignored in batch, where the watermark reaches
   * the end of input once, after every entry.
   */
  public DetectFindings withAllowedLateness(Duration allowed) {
    return new DetectFindings(config, clock, shards, allowed);
  }

  @Override
  public PCollectionTuple expand(PCollection<ClusterEvent> events) {
    JsonCoder<Finding> findingCoder = JsonCoder.of(Finding.class);
    boolean streaming = events.isBounded() == PCollection.IsBounded.UNBOUNDED;
    Duration hold = streaming ? lateness : Duration.ZERO;
    List<PCollection<KV<String, ClusterEvent>>> late = new ArrayList<>();
    PCollection<Finding> rotations =
        inOrder(events, "Rotations", new RotationRule(config), hold, streaming, late)
            .apply("EndOfInput", EndOfInputGate.withClock(clock).withShards(shards));
    PCollection<Finding> findings =
        PCollectionList.of(
                events.apply("PerEntryRules", ParDo.of(new PerEventRulesFn(SingleEntryRule.all(config)))).setCoder(findingCoder))
            .and(rotations)
            .and(inOrder(events, "OperationFailed", new OperationFailedRule(config), hold, streaming, late))
            .and(inOrder(events, "ChangeBurst", BurstRule.changes(config), hold, streaming, late))
            .and(inOrder(events, "DeniedBurst", BurstRule.deniedCalls(config), hold, streaming, late))
            .and(inOrder(events, "MultiClusterChange", BurstRule.multiCluster(config), hold, streaming, late))
            .and(inOrder(events, "NewPrincipal", new NewPrincipalRule(config), hold, streaming, late))
            .and(inOrder(events, "VersionDowngrade", new VersionDowngradeRule(config), hold, streaming, late))
            .and(inOrder(events, "Behaviour", BehaviourRules.all(config), hold, streaming, late))
            .apply("AllFindings", Flatten.pCollections())
            .apply("CountFindings", ParDo.of(new CountFn()))
            .setCoder(findingCoder);
    PCollection<DeadLetter> lateDeadLetters =
        PCollectionList.of(late)
            .apply("AllLate", Flatten.pCollections())
            .apply("LateEntries", LateEntries.withShards(shards));
    return PCollectionTuple.of(FINDINGS, findings).and(LATE, lateDeadLetters);
  }

  private <S> PCollection<Finding> inOrder(
      PCollection<ClusterEvent> events, String name, SequentialRule<S> rule, Duration hold, boolean streaming,
      List<PCollection<KV<String, ClusterEvent>>> late) {
    TupleTag<Finding> found = new TupleTag<>(name + "Findings");
    PCollectionTuple out =
        events
            .apply(name + "Key", ParDo.of(new KeyFn(rule, shards)))
            .setCoder(KvCoder.of(VarIntCoder.of(), JsonCoder.of(ClusterEvent.class)))
            .apply(
                name,
                ParDo.of(new OrderedRuleFn<>(rule, hold, streaming))
                    .withOutputTags(found, TupleTagList.of(OrderedRuleFn.LATE)));
    late.add(
        out.get(OrderedRuleFn.LATE)
            .setCoder(JsonCoder.of(ClusterEvent.class))
            .apply(name + "Late", ParDo.of(new NameFn(name)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), JsonCoder.of(ClusterEvent.class))));
    return out.get(found).setCoder(JsonCoder.of(Finding.class));
  }

  /** Tags a late entry with the rule step that missed it. */
  static final class NameFn extends DoFn<ClusterEvent, KV<String, ClusterEvent>> {
    private final String name;

    NameFn(String name) {
      this.name = name;
    }

    @ProcessElement
    public void process(@Element ClusterEvent event, OutputReceiver<KV<String, ClusterEvent>> out) {
      out.output(KV.of(name, event));
    }
  }

  /** Keys a rule's events by the rule's key, spread over a fixed number of shards (the benchmarks key the same way). */
  public static final class KeyFn extends DoFn<ClusterEvent, KV<Integer, ClusterEvent>> {
    private final SequentialRule<?> rule;
    private final int shards;

    public KeyFn(SequentialRule<?> rule, int shards) {
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
