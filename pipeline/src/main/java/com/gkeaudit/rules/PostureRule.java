package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code posture-weakened}: a successful change that switches a security control off. Which controls a request
 * switches off is read once, at parse time ({@link com.gkeaudit.parse.PostureControls}); one finding per control.
 */
public final class PostureRule {
  private static final String PSA_NOTE =
      " Keep workloads constrained with Pod Security Admission (kubectl label namespace NAMESPACE "
          + "pod-security.kubernetes.io/enforce=restricted) and least-privilege RBAC.";

  /** Control -> the gcloud flags that switch it back on. */
  private static final Map<String, String> RESTORE =
      Map.ofEntries(
          Map.entry("legacy_abac", "--no-enable-legacy-authorization"),
          Map.entry("basic_auth", "--no-enable-basic-auth"),
          Map.entry(
              "authorized_networks",
              "--enable-master-authorized-networks --master-authorized-networks=TRUSTED_CIDRS"),
          Map.entry("network_policy", "--update-addons=NetworkPolicy=ENABLED, then again with --enable-network-policy"),
          Map.entry("logging", "--logging=SYSTEM,WORKLOAD,API_SERVER"),
          Map.entry("monitoring", "--monitoring=SYSTEM,API_SERVER"),
          Map.entry("private_endpoint", "--enable-private-endpoint"),
          Map.entry("binary_authorization", "--binauthz-evaluation-mode=PROJECT_SINGLETON_POLICY_ENFORCE"),
          Map.entry("shielded_nodes", "--enable-shielded-nodes"),
          Map.entry("workload_identity", "--workload-pool=PROJECT.svc.id.goog"));

  private PostureRule() {}

  static void evaluate(ClusterEvent event, RuleConfig config, Consumer<Finding> out) {
    if (!event.successfulChange() || event.weakenedControls() == null) {
      return;
    }
    for (String control : event.weakenedControls()) {
      String restore = RESTORE.getOrDefault(control, "");
      out.accept(
          FindingBuilder.of(Rule.POSTURE_WEAKENED, config)
              .primary(event)
              .discriminator(control)
              .detail("control", control)
              .description(
                  String.format(
                      "%s switched off %s on cluster %s (%s) with %s from %s.",
                      event.principal(), control.replace('_', ' '), event.clusterName(), event.location(),
                      event.method(), event.callerIp()))
              .remediation(
                  FindingBuilder.forCluster(
                      "If this was not an approved exception, restore the control: gcloud container clusters update "
                          + "CLUSTER --location LOCATION --project PROJECT " + restore + "."
                          + (control.equals("basic_auth")
                              ? " Then rotate credentials (--start-credential-rotation), since a static password "
                                  + "was issued."
                              : "")
                          + PSA_NOTE,
                      event))
              .build());
    }
  }
}
