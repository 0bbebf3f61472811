package com.gkeaudit.bench;

import com.gkeaudit.rules.BehaviourRules;
import com.gkeaudit.rules.NewPrincipalRule;
import com.gkeaudit.rules.PrincipalHistory;
import com.gkeaudit.rules.RuleConfig;
import com.gkeaudit.rules.SequentialRule;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.transforms.JsonCoder;
import com.gkeaudit.options.RuleConfigs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The behavioural rules' detect logic over synthetic history: PRINCIPALS principals over DAYS days (default 10,000
 * and 30), each with a few entries a day (changes, reads, denied calls; habitual clients and networks with
 * exceptions), driven exactly as {@code OrderedRuleFn} drives a rule (events in event-time order per key, one state
 * per key, pruning deadlines fired between events), without Beam. Baseline in the same run: {@code new-principal}
 * over the same events. Prints events/s of each (median of ROUNDS after a warm-up), the ratio, the states' encoded
 * size (the bytes a runner stores), and the JVM's peak heap; scripts/bench-behaviour.sh adds peak RSS.
 *
 * <pre>java -cp benchmarks/target/gke-audit-benchmarks.jar com.gkeaudit.bench.BehaviourBench [PRINCIPALS] [DAYS] [ROUNDS]</pre>
 */
public final class BehaviourBench {
  private static final long DAY = 86_400_000_000_000L;
  private static final String[] AGENTS = {"Terraform/1.9 terraform-provider-google/6.12 google-api-go-client/0.5",
      "google-cloud-sdk gcloud/502.0.0 command/gcloud.container.clusters.update", "Mozilla/5.0 (Macintosh)",
      "kubectl/v1.30.1", "curl/8.5.0"};
  private static final String[] METHODS = {"SetLabels", "UpdateCluster", "SetMaintenancePolicy", "SetMasterAuth"};

  private BehaviourBench() {}

  public static void main(String[] args) throws IOException {
    int principals = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<ClusterEvent> events = generate(principals, days, new SplittableRandom(42));
    events.sort(Comparator.comparingLong(ClusterEvent::timeNanos).thenComparing(ClusterEvent::insertId));
    System.out.printf(Locale.ROOT, "events: %,d (%d principals x %d days)%n", events.size(), principals, days);
    RuleConfig config = RuleConfigs.defaults();

    run(new NewPrincipalRule(config), events); // warm-up
    run(BehaviourRules.all(config), events);
    double[] baseline = new double[rounds];
    double[] behaviour = new double[rounds];
    Result last = null;
    for (int i = 0; i < rounds; i++) {
      baseline[i] = run(new NewPrincipalRule(config), events).eventsPerSecond;
      last = run(BehaviourRules.all(config), events);
      behaviour[i] = last.eventsPerSecond;
    }
    java.util.Arrays.sort(baseline);
    java.util.Arrays.sort(behaviour);
    double b = baseline[rounds / 2];
    double n = behaviour[rounds / 2];
    System.out.printf(Locale.ROOT, "new-principal (baseline, keyed by cluster): %,.0f events/s%n", b);
    System.out.printf(Locale.ROOT, "behavioural rules (5 rules, keyed by principal): %,.0f events/s%n", n);
    System.out.printf(Locale.ROOT, "ratio behavioural / baseline: %.2f%n", n / b);
    System.out.printf(Locale.ROOT, "findings: %,d%n", last.findings);

    // State after the whole history, as the runner would store it.
    Map<String, PrincipalHistory> states = last.states;
    JsonCoder<PrincipalHistory> coder = JsonCoder.of(PrincipalHistory.class);
    long bytes = 0;
    long items = 0;
    int maxItems = 0;
    for (PrincipalHistory h : states.values()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      coder.encode(h, out);
      bytes += out.size();
      items += h.heldItems();
      maxItems = Math.max(maxItems, h.heldItems());
    }
    System.out.printf(Locale.ROOT, "state: %,d principals, %,d bytes encoded (%.0f bytes/principal), %,d items held "
        + "(%.1f/principal, max %d) for %,d entries (%.1f/principal)%n", states.size(), bytes,
        (double) bytes / states.size(), items, (double) items / states.size(), maxItems, events.size(),
        (double) events.size() / states.size());
    // Forty quiet days later every principal's history has left the lookback: only the first-seen time is left.
    BehaviourRules rule = BehaviourRules.all(config);
    long end = events.get(events.size() - 1).timeNanos() + 40 * DAY;
    long released = 0;
    for (PrincipalHistory h : states.values()) {
      Long deadline;
      while ((deadline = rule.nextDeadline(h)) != null && deadline <= end) {
        rule.onDeadline(h, deadline, f -> {});
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      coder.encode(h, out);
      released += out.size();
    }
    System.out.printf(Locale.ROOT, "state 40 quiet days later: %,d bytes encoded (%.0f bytes/principal)%n", released,
        (double) released / states.size());
    printPeakHeap();
  }

  /** Prints the JVM's peak heap so far: the sum of the heap pools' peaks. */
  static void printPeakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(Locale.ROOT, "peak heap (sum of pool peaks): %,d MB%n", peak / (1024 * 1024));
  }

  record Result(double eventsPerSecond, long findings, Map<String, PrincipalHistory> states) {}

  @SuppressWarnings("unchecked")
  private static <S> Result run(SequentialRule<S> rule, List<ClusterEvent> events) {
    Map<String, S> states = new HashMap<>();
    long findings[] = {0};
    long start = System.nanoTime();
    for (ClusterEvent event : events) {
      String key = rule.keyOf(event);
      if (key == null) {
        continue;
      }
      S state = states.computeIfAbsent(key, k -> rule.newState());
      Long deadline;
      while ((deadline = rule.nextDeadline(state)) != null && deadline < event.timeNanos()) {
        rule.onDeadline(state, deadline, f -> findings[0]++);
      }
      rule.onEvent(state, event, f -> findings[0]++);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, PrincipalHistory> histories = new HashMap<>();
    states.forEach((k, v) -> {
      if (v instanceof PrincipalHistory h) {
        histories.put(k, h);
      }
    });
    return new Result(events.size() / seconds, findings[0], histories);
  }

  static List<ClusterEvent> generate(int principals, int days, SplittableRandom r) {
    long day0 = 20_000L * DAY; // 2024-10-04
    List<ClusterEvent> out = new ArrayList<>();
    long id = 0;
    for (int p = 0; p < principals; p++) {
      boolean sa = p % 3 == 0;
      String principal = sa ? "sa-" + p + "@proj-" + (p % 50) + ".iam.gserviceaccount.com" : "user-" + p + "@example.com";
      String agent = AGENTS[p % 3];
      String ip = sa ? "10." + (p % 200) + ".0.5" : "203.0." + (p % 250) + ".9";
      for (int d = 0; d < days; d++) {
        int n = r.nextInt(8) == 0 ? 12 : r.nextInt(5);
        for (int i = 0; i < n; i++) {
          long t = day0 + d * DAY + r.nextLong(DAY);
          int kind = r.nextInt(10);
          String method = kind < 6 ? METHODS[r.nextInt(10) == 0 ? 3 : r.nextInt(3)] : "GetCluster";
          int status = kind == 9 ? 7 : 0;
          String useAgent = r.nextInt(50) == 0 ? AGENTS[r.nextInt(AGENTS.length)] : agent;
          String useIp = r.nextInt(50) == 0 ? "198.51.100." + r.nextInt(256) : ip;
          String cluster = "cluster-" + (p % 200 + r.nextInt(3));
          out.add(event("e" + id++, t, method, "proj-" + (p % 50), cluster, principal,
              sa ? ClusterEvent.AUTOMATION : ClusterEvent.USER, useIp, useAgent, status));
        }
      }
    }
    return out;
  }

  private static ClusterEvent event(String insertId, long t, String method, String project, String cluster,
      String principal, String initiator, String ip, String agent, int status) {
    return new ClusterEvent(insertId, "projects/" + project + "/logs/cloudaudit.googleapis.com%2Factivity", "activity",
        t, t + 800_000_000L, status == 0 ? "NOTICE" : "ERROR", "google.container.v1.ClusterManager." + method, method,
        "v1", "gke_cluster", "projects/" + project + "/zones/us-central1-a/clusters/" + cluster, project,
        "us-central1-a", cluster, null, principal, List.of(), initiator, ip, agent, null, null, false, false, status,
        status == 0 ? null : "denied", "{}", false, null, null, List.of(), "bench", null);
  }
}
