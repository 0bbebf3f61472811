package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.call;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.metadata;
import static com.gkeaudit.rules.ClusterEvents.nanos;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.options.RuleConfigs;
import com.gkeaudit.tools.SpecOracle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behavioural rules against the independent reading of docs/behavioural-rules.md in {@link SpecOracle} (brute force, no pipeline
 * class), over a random corpus full of traps (ties, UTC midnights, blank and absent agents, Terraform's go-client
 * agent, private and documentation ranges, fec0::/10, unparsable and absent caller IPs, reads and denied calls as
 * history, denied bursts, spikes), under the default options and under two other sets.
 */
class BehaviouralOracleAgreementTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> BEHAVIOURAL = Set.of("unusual-client", "unusual-source", "rare-method",
      "change-volume-anomaly", "denied-then-changed");
  private static final String[] AGENTS = {
    "Terraform/1.7.5 terraform-provider-google/5.22.0 google-api-go-client/0.5", "google-cloud-sdk gcloud/480.0.0",
    "Mozilla/5.0 (X11; Linux x86_64),gzip(gfe)", "kubectl/v1.30.1", "cnrm-controller-manager/1.120", "curl/8.5.0",
    "CURL/7.1", "python-requests/2.31", "google-api-python-client/2.1", "gl-go/1.21", "google-api-java-client/2.2",
    "Go-http-client/2.0", "helm/3.14", "MyTool 1.0", "", "   ", null, "my-tool,gzip(gfe)"};
  private static final String[] IPS = {
    "private", "gce-internal-ip", "10.1.2.3", "172.16.9.9", "172.32.0.1", "192.168.1.1", "fd00:1::5", "fec0::1",
    "2001:db8:1:2::1", "2001:db8:1:9::9", "2001:db8:2::1", "203.0.113.5", "203.0.113.250", "198.51.100.7",
    "192.0.2.1", "unknown", null, "::ffff:203.0.113.9"};
  private static final String[] METHODS = {"SetLabels", "SetLabels", "SetLabels", "UpdateCluster", "UpdateCluster",
      "SetMaintenancePolicy", "SetMasterAuth", "SetLegacyAbac", "SetNetworkPolicy", "SetLoggingService",
      "StartIPRotation", "CompleteIPRotation", "SetLocations", "SetAddonsConfig"};
  private static final String[] PRINCIPALS = {"ann@example.com", "ben@example.com", "cat@example.com",
      "dan@example.com", "tf@p.iam.gserviceaccount.com", "ci@p.iam.gserviceaccount.com",
      "bot@p.iam.gserviceaccount.com", "p.svc.id.goog[ns/deployer]", "ops@p.iam.gserviceaccount.com"};

  static Stream<Arguments> optionSets() {
    return Stream.of(
        Arguments.of("defaults", new SpecOracle.Behaviour(30, 7, 5, 10, 3.0, 14, 60, 5, 60), 1L),
        Arguments.of("short", new SpecOracle.Behaviour(10, 3, 2, 4, 1.5, 5, 180, 3, 20), 2L),
        Arguments.of("long", new SpecOracle.Behaviour(45, 0, 0, 0, 0.0, 2, 5, 5, 60), 3L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optionSets")
  void productAgreesWithTheOracle(String name, SpecOracle.Behaviour opt, long seed) throws IOException {
    List<ClusterEvents.Builder> corpus = corpus(new Random(seed));
    List<ClusterEvent> events = new ArrayList<>();
    List<JsonNode> entries = new ArrayList<>();
    long max = Long.MIN_VALUE;
    for (ClusterEvents.Builder b : corpus) {
      events.add(b.build());
      entries.add(MAPPER.readTree(b.line()));
      max = Math.max(max, events.get(events.size() - 1).timeNanos());
    }
    // Through the real options, as a user would give them.
    RuleConfig config =
        RuleConfigs.of(
            "--deniedThreshold=" + opt.deniedThreshold(),
            "--deniedWindowMinutes=" + opt.deniedWindowMinutes(),
            "--principalLookbackDays=" + opt.lookbackDays(),
            "--baselineDays=" + opt.baselineDays(),
            "--rareMethodMinHistory=" + opt.rareMethodMinHistory(),
            "--volumeMinChanges=" + opt.volumeMinChanges(),
            "--volumeSigma=" + opt.volumeSigma(),
            "--volumeBaselineDays=" + opt.volumeBaselineDays(),
            "--escalationWindowMinutes=" + opt.escalationWindowMinutes());

    List<Finding> product = RuleRun.sequential(BehaviourRules.all(config), events);
    List<SpecOracle.Finding> oracle = new SpecOracle(entries, List.of(MAPPER.readTree(PROD.assetLine())),
        Times.toInstant(max), List.of(), opt).run().stream().filter(f -> BEHAVIOURAL.contains(f.rule())).toList();

    Map<String, Integer> productKeys = new TreeMap<>();
    for (Finding f : product) {
      productKeys.merge(f.ruleId() + "|" + f.severity() + "|" + Times.toInstant(f.eventTimeNanos()) + "|"
          + f.projectId() + "|" + f.location() + "|" + f.clusterName() + "|" + f.principal(), 1, Integer::sum);
    }
    Map<String, Integer> oracleKeys = new TreeMap<>();
    oracle.forEach(f -> oracleKeys.merge(f.key(), 1, Integer::sum));
    assertEquals(oracleKeys, productKeys, name);
    assertThat(name + ": findings", product.size(), greaterThan(30));

    // Every rule is exercised, and every denied-then-changed names a burst the pipeline reports.
    Set<String> rules = new TreeSet<>();
    product.forEach(f -> rules.add(f.ruleId()));
    assertThat(name + ": " + rules, rules, is(BEHAVIOURAL));
    Map<String, Finding> bursts = new TreeMap<>();
    RuleRun.sequential(BurstRule.deniedCalls(config), events).forEach(b -> bursts.put(b.findingId(), b));
    for (Finding f : Findings.ofRule(product, Rule.DENIED_THEN_CHANGED)) {
      Finding burst = bursts.get(Findings.details(f).get("burst_finding_id").asText());
      assertThat(burst.principal(), is(f.principal()));
      assertThat(f.eventTimeNanos() - burst.eventTimeNanos(), greaterThan(0L));
    }
  }

  static final ClusterEvents.Metadata PROD = metadata("c-prod").label("env", "prod");

  /** 9 principals over 50 days: habits with exceptions, spikes, denied bursts, ties, midnights. */
  static List<ClusterEvents.Builder> corpus(Random r) {
    List<ClusterEvents.Builder> out = new ArrayList<>();
    long day0 = Math.floorDiv(nanos(T0), Times.NANOS_PER_DAY) * Times.NANOS_PER_DAY;
    var prod = PROD.build();
    for (String principal : PRINCIPALS) {
      String homeAgent = AGENTS[r.nextInt(4)];
      String homeIp = IPS[r.nextInt(IPS.length)];
      int start = r.nextInt(6);
      for (int d = start; d < 50; d++) {
        if (r.nextInt(5) == 0) {
          continue; // a quiet day
        }
        int n = r.nextInt(12) == 0 ? 8 + r.nextInt(20) : r.nextInt(4);
        long prev = day0 + d * Times.NANOS_PER_DAY + r.nextLong(Times.NANOS_PER_DAY);
        for (int i = 0; i < n; i++) {
          long at;
          switch (r.nextInt(10)) {
            case 0 -> at = prev; // a tie
            case 1 -> at = day0 + (d + 1) * Times.NANOS_PER_DAY - 1 - r.nextInt(3); // last instants of the day
            case 2 -> at = day0 + d * Times.NANOS_PER_DAY; // midnight
            default -> at = day0 + d * Times.NANOS_PER_DAY + r.nextLong(Times.NANOS_PER_DAY);
          }
          prev = at;
          String agent = r.nextInt(10) < 8 ? homeAgent : AGENTS[r.nextInt(AGENTS.length)];
          String ip = r.nextInt(10) < 8 ? homeIp : IPS[r.nextInt(IPS.length)];
          String cluster = r.nextInt(6) == 0 ? "c-prod" : "c" + r.nextInt(4);
          ClusterEvents.Builder b;
          int kind = r.nextInt(20);
          if (kind < 12) {
            b = change(METHODS[r.nextInt(kind < 8 ? 3 : METHODS.length)]).request("{}");
          } else if (kind < 15) {
            b = call("GetCluster").dataAccess();
          } else if (kind < 17) {
            b = change("SetLabels").request("{}").status(r.nextBoolean() ? 7 : 16, "denied");
          } else if (kind < 18) {
            b = change("UpdateCluster").request("{}").failed(3);
          } else if (kind < 19) {
            b = change("SetNodePoolSize").nodepool("np1").request("{}");
          } else {
            b = call("ListClusters").dataAccess().noCluster().status(7, "denied");
          }
          if (kind != 19) {
            b.cluster(cluster);
          }
          b.by(principal).agent(agent).from(ip).atNanos(at);
          if (cluster.equals("c-prod") && kind != 19) {
            b.withCluster(prod);
          }
          out.add(b);
        }
        // Now and then: a denied burst, then a change (sometimes too late).
        if (r.nextInt(15) == 0) {
          long t = day0 + d * Times.NANOS_PER_DAY + r.nextLong(Times.NANOS_PER_DAY / 2);
          for (int i = 0; i < 6; i++) {
            out.add(change("SetLegacyAbac").request("{}").denied().by(principal).agent(homeAgent).from(homeIp)
                .cluster("c" + i % 3).atNanos(t + i * 4 * Times.NANOS_PER_MINUTE));
          }
          long after = t + 20 * Times.NANOS_PER_MINUTE + r.nextLong(200 * Times.NANOS_PER_MINUTE);
          out.add(change("SetLabels").request("{}").by(principal).agent(homeAgent).from(homeIp).cluster("c1")
              .atNanos(after));
        }
      }
    }
    return out;
  }

}
