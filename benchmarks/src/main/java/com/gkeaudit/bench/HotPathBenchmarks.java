package com.gkeaudit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.rules.BurstRule;
import com.gkeaudit.rules.NewPrincipalRule;
import com.gkeaudit.rules.RuleConfig;
import com.gkeaudit.rules.SlidingBurst;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.options.RuleConfigs;
import com.gkeaudit.parse.LogEntryParser;
import com.gkeaudit.parse.ParseOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-line and per-event hot path: the prefilter + validation of a Kubernetes API line (95% of an export), the
 * full parse and normalisation of a ClusterManager line, and rule evaluation per event; Jackson's tree parse of the
 * same lines is the reference.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmarks {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private byte[] kubernetesLine;
  private byte[] clusterManagerLine;
  private ClusterEvent change;
  private BurstRule changeBurst;
  private NewPrincipalRule newPrincipal;
  private SlidingBurst burstState;
  private NewPrincipalRule.State principalState;
  private long clock;
  private final List<Finding> sink = new ArrayList<>();
  private final Consumer<Finding> out = sink::add;

  @Setup
  public void setUp() throws IOException {
    kubernetesLine = resource("k8s-pods-create.json");
    clusterManagerLine = resource("cluster-manager-create-cluster.json");
    ParseOutcome outcome = LogEntryParser.parse(clusterManagerLine, "bench");
    ClusterEvent created = outcome.event();
    // Turn the real CreateCluster entry into a successful change by a user, the events most rules look at.
    change =
        new ClusterEvent(
            created.insertId(), created.logName(), created.logType(), created.timeNanos(), null, "NOTICE",
            "google.container.v1.ClusterManager.SetLabels", "SetLabels", "v1", "gke_cluster", created.resourceName(),
            created.projectId(), created.location(), created.clusterName(), null, "alice@example.com", List.of(),
            ClusterEvent.USER, "203.0.113.7", created.userAgent(), null, null, false, false, 0, null, "{}", false,
            null, null, List.of(), "bench", null);
    RuleConfig config = RuleConfigs.defaults();
    changeBurst = BurstRule.changes(config);
    newPrincipal = new NewPrincipalRule(config);
    burstState = changeBurst.newState();
    principalState = newPrincipal.newState();
    clock = change.timeNanos();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = HotPathBenchmarks.class.getResourceAsStream("/lines/" + name)) {
      return in.readAllBytes();
    }
  }

  @Benchmark
  public ParseOutcome prefilterKubernetesLine() {
    return LogEntryParser.parse(kubernetesLine, "bench");
  }

  @Benchmark
  public JsonNode jacksonTreeKubernetesLine() throws IOException {
    return MAPPER.readTree(kubernetesLine);
  }

  @Benchmark
  public ParseOutcome parseClusterManagerLine() {
    return LogEntryParser.parse(clusterManagerLine, "bench");
  }

  @Benchmark
  public JsonNode jacksonTreeClusterManagerLine() throws IOException {
    return MAPPER.readTree(clusterManagerLine);
  }

  /** One event through two stateful rules, spaced so bursts fire now and then and state stays bounded. */
  @Benchmark
  public void rulesPerEvent(Blackhole blackhole) {
    clock += 7 * 60_000_000_000L;
    ClusterEvent event = withTime(change, clock);
    changeBurst.onEvent(burstState, event, out);
    newPrincipal.onEvent(principalState, event, out);
    blackhole.consume(sink.size());
    sink.clear();
  }

  private static ClusterEvent withTime(ClusterEvent e, long timeNanos) {
    return new ClusterEvent(
        e.insertId(), e.logName(), e.logType(), timeNanos, e.receiveTimeNanos(), e.severity(), e.methodName(),
        e.method(), e.apiVersion(), e.resourceType(), e.resourceName(), e.projectId(), e.location(), e.clusterName(),
        e.nodepoolName(), e.principal(), e.delegationChain(), e.initiator(), e.callerIp(), e.userAgent(),
        e.operationId(), e.operationProducer(), e.operationFirst(), e.operationLast(), e.statusCode(),
        e.statusMessage(), e.requestJson(), e.requestTruncated(), e.requestedMasterVersion(), e.rotateCredentials(), e.weakenedControls(),
        e.source(), e.cluster());
  }
}
