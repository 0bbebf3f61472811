package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.util.function.Consumer;

/** {@code untrusted-source}: with trusted CIDRs set, a successful change or denied call from outside them. */
public final class UntrustedSourceRule {
  private UntrustedSourceRule() {}

  static void evaluate(ClusterEvent event, TrustedNetworks trusted, RuleConfig config, Consumer<Finding> out) {
    if (trusted.isEmpty()
        || event.callerIp() == null
        || !(event.successfulChange() || event.deniedCall())
        || trusted.contains(event.callerIp())) {
      return;
    }
    String what = event.deniedCall() ? "a denied " + event.method() + " call" : "a successful " + event.method();
    out.accept(
        FindingBuilder.of(Rule.UNTRUSTED_SOURCE, config)
            .primary(event)
            .detail("trusted_cidrs", trusted.toString())
            .detail("status_code", event.statusCode())
            .description(
                String.format(
                    "%s made %s on cluster %s (%s) from %s, outside the trusted networks (%s).",
                    event.principal(), what, event.clusterName(), event.location(), event.callerIp(), trusted))
            .remediation(
                FindingBuilder.forCluster(
                    "Verify the source address with the principal's owner. If unexpected, treat the identity as "
                        + "compromised: revoke its sessions or keys and remove its GKE roles. Limit where "
                        + "administration can come from: IAM conditions or VPC Service Controls for the GKE API, and "
                        + "for the control plane gcloud container clusters update CLUSTER --location LOCATION "
                        + "--project PROJECT --enable-master-authorized-networks "
                        + "--master-authorized-networks=TRUSTED_CIDRS.",
                    event))
            .build());
  }
}
