package com.gkeaudit.rules;

import static com.gkeaudit.rules.ClusterEvents.ALICE;
import static com.gkeaudit.rules.ClusterEvents.T0;
import static com.gkeaudit.rules.ClusterEvents.call;
import static com.gkeaudit.rules.ClusterEvents.change;
import static com.gkeaudit.rules.ClusterEvents.internal;
import static com.gkeaudit.rules.ClusterEvents.k8sLine;
import static com.gkeaudit.rules.ClusterEvents.metadata;

import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.options.RuleConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small export with one incident (or near miss) per rule, on its own cluster or principal so they do not mix, and
 * what the catalogue must find in it. Times are around T0 (Tuesday 2026-11-10 10:00 UTC); the input's last entry is a
 * Kubernetes entry at T0 + 40 h, so rotations stalled at T0 + 24 h and T0 + 25 h are reported and one started at
 * T0 + 30 h is not (its deadline lies after the end of input).
 */
public final class Incidents {
  public static final String TRUSTED_CIDRS = "203.0.113.0/24,2001:db8::/32";
  public static final RuleConfig CONFIG = RuleConfigs.of("--trustedCidrs=" + TRUSTED_CIDRS);
  /** A SetMasterAuth password in the input that must never reach any output. */
  public static final String SECRET = "hunter2-do-not-leak";
  public static final Instant LAST_ENTRY = at(40, 0);

  private static final String MALLORY = "mallory@example.com";
  private static final String UNTRUSTED_IP = "198.51.100.7";
  public static final String TERRAFORM_SA = "terraform@infra.iam.gserviceaccount.com";
  public static final String TERRAFORM_AGENT =
      "Terraform/1.7.5 (+https://www.terraform.io) Terraform-Plugin-SDK/2.10.1 terraform-provider-google/5.22.0";
  public static final String LABELLER_SA = "labeller@ops.iam.gserviceaccount.com";
  public static final String DAVE = "dave@example.com";

  /** Production cluster with a weekend maintenance window, master 1.30.5 as of two days before T0. */
  public static final ClusterEvents.Metadata PROD = metadata("c-prod")
      .label("env", "prod")
      .label("owner", "payments")
      .masterVersion("1.30.5-gke.1200")
      .updated(T0.minus(Duration.ofDays(2)))
      .maintenancePolicy("""
          {'window': {'recurringWindow': {
             'window': {'startTime': '2026-11-07T02:00:00Z', 'endTime': '2026-11-07T06:00:00Z'},
             'recurrence': 'FREQ=WEEKLY;BYDAY=SA,SU'}}}
          """);

  private Incidents() {}

  public static Instant at(long hours, long minutes) {
    return T0.plus(Duration.ofHours(hours)).plus(Duration.ofMinutes(minutes));
  }

  /** What the whole catalogue finds in the export, by rule id. */
  public static Map<String, Integer> expectedCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("ip-rotation-stalled", 1);
    counts.put("credential-rotation-stalled", 1);
    counts.put("operation-failed", 3);
    counts.put("permission-denied-burst", 1);
    counts.put("change-burst", 1);
    counts.put("multi-cluster-change", 1);
    counts.put("new-principal", 2);
    counts.put("outside-maintenance-window", 1);
    counts.put("version-downgrade", 1);
    counts.put("posture-weakened", 3);
    // + the Terraform key used from 198.51.100.99, + Mallory's change after her burst
    counts.put("untrusted-source", 8);
    counts.put("unusual-client", 1);
    counts.put("unusual-source", 1);
    // The labeller's SetNetworkPolicy; and Alice (established since T0 - 9 days), once she has five changes in the
    // lookback (SetLabels, three StartIPRotation, CompleteIPRotation), uses SetLegacyAbac, UpdateMaster and
    // UpdateCluster for the first time.
    counts.put("rare-method", 4);
    counts.put("change-volume-anomaly", 1);
    counts.put("denied-then-changed", 1);
    return counts;
  }

  /** The ClusterManager entries, in no particular order. */
  public static List<ClusterEvents.Builder> clusterManagerEntries() {
    ClusterMetadata prod = PROD.build();
    List<ClusterEvents.Builder> entries = new ArrayList<>();

    // History: c-np and c-prod have been seen since nine days before T0.
    entries.add(change("SetLabels").cluster("c-np").request("{'resourceLabels': {'team': 'web'}}").at(T0.minus(Duration.ofDays(9))));
    entries.add(call("GetCluster").dataAccess().cluster("c-prod").withCluster(prod).at(T0.minus(Duration.ofDays(9))));

    // ip-rotation-stalled: started, never completed.
    entries.add(change("StartIPRotation").cluster("c-rot").operationFirst("operation-rot-ip").request("{}").at(T0));
    entries.add(change("StartIPRotation").cluster("c-rot").operationLast("operation-rot-ip").at(at(0, 5)));
    // credential-rotation-stalled: started, never completed.
    entries.add(change("StartIPRotation").cluster("c-cred").operationFirstAndLast("operation-rot-cred")
        .request("{'rotateCredentials': true}").at(at(1, 0)));
    // Completed rotation: nothing.
    entries.add(change("StartIPRotation").cluster("c-rot2").request("{}").at(T0));
    entries.add(change("CompleteIPRotation").cluster("c-rot2").at(at(3, 0)));
    // Started too late for the input to reach its deadline: nothing.
    entries.add(change("StartIPRotation").cluster("c-late").request("{}").at(at(30, 0)));

    // operation-failed: joined, orphan, synchronous; and a denied last that is not a failure.
    entries.add(change("UpdateCluster").cluster("c-ops").by("bob@example.com").operationFirst("operation-ops-1")
        .request("{'update': {'desiredNodeVersion': '1.30'}}").at(at(2, 0)));
    entries.add(change("UpdateCluster").cluster("c-ops").operationLast("operation-ops-1").failed(13).at(at(2, 20)));
    entries.add(call("DeleteCluster").cluster("c-ops").operationLast("operation-orphan").failed(9).at(at(3, 0)));
    entries.add(change("SetLabels").cluster("c-ops").by("bob@example.com").request("{}").status(3, "Invalid label").at(at(4, 0)));
    entries.add(change("SetLegacyAbac").cluster("c-ops").operationFirst("operation-ops-2").request("{'enabled': false}").at(at(5, 0)));
    entries.add(change("SetLegacyAbac").cluster("c-ops").operationLast("operation-ops-2").denied().at(at(5, 1)));

    // permission-denied-burst (and five untrusted-source): Mallory probes from outside.
    for (int i = 0; i < 5; i++) {
      entries.add(change("UpdateCluster").cluster("c-den").by(MALLORY).from(UNTRUSTED_IP).request("{'update': {}}")
          .denied().at(at(1, 10 * i)));
    }
    // Near miss: four denied calls from a trusted network.
    for (int i = 0; i < 4; i++) {
      entries.add(call("GetCluster").dataAccess().cluster("c-den").by("trudy@example.com").from("203.0.113.50")
          .denied().at(at(6, 5 * i)));
    }

    // change-burst: four changes in 30 minutes; near miss: three on another cluster.
    for (int i = 0; i < 4; i++) {
      entries.add(change("SetLabels").cluster("c-burst").by("carol@example.com").request("{}").at(at(7, 10 * i)));
    }
    for (int i = 0; i < 3; i++) {
      entries.add(change("SetLabels").cluster("c-burst2").by("carol@example.com").request("{}").at(at(8, 10 * i)));
    }

    // multi-cluster-change: five clusters in 20 minutes; near miss: four clusters by another identity.
    for (int i = 1; i <= 5; i++) {
      entries.add(change("SetLabels").cluster("fleet-" + i).by("deployer@fleet.iam.gserviceaccount.com")
          .request("{'resourceLabels': {'rollout': '42'}}").at(at(9, 5 * i)));
    }
    for (int i = 1; i <= 4; i++) {
      entries.add(change("SetLabels").cluster("fleet-" + i).by("deployer2@fleet.iam.gserviceaccount.com")
          .request("{'resourceLabels': {'rollout': '43'}}").at(at(10, 5 * i)));
    }

    // new-principal (HIGH) and posture-weakened basic_auth, with a password that must not leak.
    entries.add(change("SetMasterAuth").cluster("c-np").by("eve@example.com")
        .request("{'action': 'SET_PASSWORD', 'update': {'username': 'admin', 'password': '" + SECRET + "'}}")
        .at(at(11, 0)));
    entries.add(change("SetLabels").cluster("c-np").by(ALICE).request("{}").at(at(11, 30)));

    // c-prod: an upgrade request below the current version, on a Tuesday evening, by a first-time changer.
    entries.add(change("UpdateMaster").cluster("c-prod").withCluster(prod).operationFirst("operation-prod-1")
        .request("{'masterVersion': '1.29'}").at(at(12, 0)));
    entries.add(change("UpdateMaster").cluster("c-prod").withCluster(prod).operationLast("operation-prod-1").at(at(12, 30)));

    // posture-weakened twice in one request; untrusted-source over IPv6.
    entries.add(change("UpdateCluster").cluster("c-post").request("""
        {'update': {'desiredMasterAuthorizedNetworksConfig': {'enabled': true, 'cidrBlocks': [{'cidrBlock': '0.0.0.0/0'}]},
                    'desiredLoggingService': 'none'}}
        """).at(at(13, 0)));
    entries.add(change("SetLabels").cluster("c-post").from("2001:db8::7").request("{}").at(at(13, 30)));
    entries.add(change("SetLabels").cluster("c-post").from("2001:db9::7").request("{}").at(at(14, 0)));

    // Behavioural rules (docs/behavioural-rules.md). A Terraform service account changes c-tf daily from inside the VPC, then its key
    // is used once from curl at a network it never used: unusual-client, unusual-source (and untrusted-source).
    for (int d = 9; d >= 1; d--) {
      entries.add(change("SetLabels").cluster("c-tf").by(TERRAFORM_SA).agent(TERRAFORM_AGENT).from("private")
          .request("{'resourceLabels': {'managed-by': 'terraform'}}").at(T0.minus(Duration.ofDays(d))));
    }
    entries.add(change("SetLabels").cluster("c-tf").by(TERRAFORM_SA).agent("curl/8.5.0").from("198.51.100.99")
        .request("{'resourceLabels': {'x': 'y'}}").at(at(16, 0)));
    // An automation account that only ever set labels calls SetNetworkPolicy for the first time: rare-method.
    for (int d = 8; d >= 3; d--) {
      entries.add(change("SetLabels").cluster("c-lab").by(LABELLER_SA).agent(TERRAFORM_AGENT).from("private")
          .request("{'resourceLabels': {'cost-center': 'd" + d + "'}}").at(T0.minus(Duration.ofDays(d))));
    }
    entries.add(change("SetNetworkPolicy").cluster("c-lab").by(LABELLER_SA).agent(TERRAFORM_AGENT).from("private")
        .request("{'networkPolicy': {'provider': 'CALICO', 'enabled': true}}").at(at(17, 0)));
    // An engineer who makes one change a day makes eleven, 61 minutes apart (no change-burst): change-volume-anomaly
    // at the eleventh.
    for (int d = 9; d >= 1; d--) {
      entries.add(change("SetLabels").cluster("c-vol").by(DAVE).request("{}").at(T0.minus(Duration.ofDays(d))));
    }
    for (int i = 0; i < 11; i++) {
      entries.add(change("SetLabels").cluster("c-vol").by(DAVE).request("{}").at(at(0, 30 + 61 * i)));
    }
    // Mallory's denied burst (last denial at T0 + 1 h 40) is followed by a change that succeeds: denied-then-changed.
    entries.add(change("SetLabels").cluster("c-den").by(MALLORY).from(UNTRUSTED_IP).request("{}").at(at(2, 10)));

    // Google's own work never triggers a rule.
    entries.add(internal("UpdateClusterInternal").cluster("c-rot").nodepool("default-pool").operationLast("operation-auto")
        .failed(13).at(at(15, 0)));
    entries.add(change("UpdateCluster").cluster("c-post").by("service-1@container-engine-robot.iam.gserviceaccount.com")
        .from("35.1.2.3").request("{'update': {'desiredLoggingService': 'none'}}").at(at(14, 10)));
    return entries;
  }

  /** Entries of other services (Kubernetes API audit): they only move the input's clock. */
  public static List<String> otherServiceLines() {
    return List.of(k8sLine(T0.minus(Duration.ofDays(9)).plusSeconds(3600)), k8sLine(at(5, 0)), k8sLine(LAST_ENTRY));
  }

  public static List<ClusterEvent> events(List<ClusterEvents.Builder> entries) {
    return entries.stream().map(ClusterEvents.Builder::build).toList();
  }

  /** One Cloud Asset Inventory export line per known cluster. */
  public static List<String> metadataLines() {
    return List.of(PROD.assetLine());
  }
}
