package com.gkeaudit.bench;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.options.RuleConfigs;
import com.gkeaudit.rules.BehaviourRules;
import com.gkeaudit.rules.NewPrincipalRule;
import com.gkeaudit.rules.RuleConfig;
import com.gkeaudit.rules.SequentialRule;
import com.gkeaudit.transforms.DetectFindings;
import com.gkeaudit.transforms.JsonCoder;
import com.gkeaudit.transforms.OrderedRuleFn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * The behavioural rules' Beam step (the {@code OrderedRuleFn} that {@code DetectFindings} runs for them: keyed
 * events, state, release timers) on the DirectRunner, over BehaviourBench's synthetic history, against the same step
 * for {@code new-principal} over the same events in the same JVM. Each round runs one batch pipeline per rule
 * (create, key, ordered rule, count); it prints events/s of each (median of ROUNDS after a warm-up), their ratio, the
 * findings and the JVM's peak heap. BehaviourBench measures the rule logic without the runner.
 *
 * <pre>scripts/bench-behaviour.sh --beam [PRINCIPALS] [DAYS] [ROUNDS]</pre>
 */
public final class BehaviourBeamBench {
  private static final String NAMESPACE = "bench";

  private BehaviourBeamBench() {}

  public static void main(String[] args) {
    int principals = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<ClusterEvent> events = BehaviourBench.generate(principals, days, new SplittableRandom(42));
    List<TimestampedValue<ClusterEvent>> timestamped = new ArrayList<>(events.size());
    for (ClusterEvent event : events) {
      timestamped.add(TimestampedValue.of(event, new Instant(event.timeNanos() / 1_000_000)));
    }
    System.out.printf(Locale.ROOT, "events: %,d (%d principals x %d days), DirectRunner, %d cores%n", events.size(),
        principals, days, Runtime.getRuntime().availableProcessors());
    RuleConfig config = RuleConfigs.defaults();

    run(new NewPrincipalRule(config), timestamped); // warm-up
    run(BehaviourRules.all(config), timestamped);
    double[] baseline = new double[rounds];
    double[] behaviour = new double[rounds];
    long findings = 0;
    for (int i = 0; i < rounds; i++) {
      baseline[i] = events.size() / run(new NewPrincipalRule(config), timestamped)[0];
      double[] result = run(BehaviourRules.all(config), timestamped);
      behaviour[i] = events.size() / result[0];
      findings = (long) result[1];
    }
    Arrays.sort(baseline);
    Arrays.sort(behaviour);
    double b = baseline[rounds / 2];
    double n = behaviour[rounds / 2];
    System.out.printf(Locale.ROOT, "new-principal step (baseline, keyed by cluster): %,.0f events/s%n", b);
    System.out.printf(Locale.ROOT, "behavioural step (5 rules, keyed by principal): %,.0f events/s%n", n);
    System.out.printf(Locale.ROOT, "ratio behavioural / baseline: %.2f%n", n / b);
    System.out.printf(Locale.ROOT, "behavioural findings: %,d%n", findings);
    BehaviourBench.printPeakHeap();
  }

  /** One batch pipeline of the rule's step over the events; returns {seconds, findings}. */
  private static <S> double[] run(SequentialRule<S> rule, List<TimestampedValue<ClusterEvent>> events) {
    DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setEnforceEncodability(false);
    options.setEnforceImmutability(false);
    options.setTargetParallelism(Runtime.getRuntime().availableProcessors());
    Pipeline pipeline = Pipeline.create(options);
    TupleTag<Finding> found = new TupleTag<>() {};
    PCollectionTuple out =
        pipeline
            .apply("Events", Create.timestamped(events).withCoder(JsonCoder.of(ClusterEvent.class)))
            .apply("Key", ParDo.of(new DetectFindings.KeyFn(rule, Runtime.getRuntime().availableProcessors())))
            .setCoder(KvCoder.of(VarIntCoder.of(), JsonCoder.of(ClusterEvent.class)))
            .apply("Rule",
                ParDo.of(new OrderedRuleFn<>(rule)).withOutputTags(found, TupleTagList.of(OrderedRuleFn.LATE)));
    out.get(OrderedRuleFn.LATE).setCoder(JsonCoder.of(ClusterEvent.class));
    out.get(found).setCoder(JsonCoder.of(Finding.class)).apply("Count", ParDo.of(new CountFn()));
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    long findings = 0;
    for (MetricResult<Long> counter :
        result.metrics().queryMetrics(MetricsFilter.builder()
            .addNameFilter(MetricNameFilter.named(NAMESPACE, "findings")).build()).getCounters()) {
      findings += counter.getCommitted();
    }
    return new double[] {seconds, findings};
  }

  static final class CountFn extends DoFn<Finding, Void> {
    private final Counter findings = Metrics.counter(NAMESPACE, "findings");

    @ProcessElement
    public void process(@Element Finding finding) {
      findings.inc();
    }
  }
}
