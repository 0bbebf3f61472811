package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.util.function.Consumer;

/**
 * {@code unusual-source}: a successful change or a denied call by an established AUTOMATION principal from a source
 * network (not none) that occurs in none of its entries of the preceding {@code principalLookbackDays}. Automation
 * runs from a few fixed places; a service account calling from elsewhere is its key used by someone else.
 */
public final class UnusualSourceRule {
  private UnusualSourceRule() {}

  static void evaluate(PrincipalHistory history, ClusterEvent event, RuleConfig config, Consumer<Finding> out) {
    long now = event.timeNanos();
    if (!(event.successfulChange() || event.deniedCall())
        || !ClusterEvent.AUTOMATION.equals(event.initiator())
        || !history.established(now, config)) {
      return;
    }
    String network = SourceNetwork.of(event.callerIp());
    if (network == null || history.networks.seen(network, now - config.principalLookbackNanos(), now)) {
      return;
    }
    String what = event.deniedCall() ? "a denied " + event.method() + " call" : "a successful " + event.method();
    out.accept(
        FindingBuilder.of(Rule.UNUSUAL_SOURCE, config)
            .primary(event)
            .detail("network", network)
            .description(
                String.format(
                    "Service account %s made %s on cluster %s (%s) from %s (network %s), a network it has not "
                        + "called from in %d days.",
                    event.principal(), what, event.clusterName(), event.location(), event.callerIp(), network,
                    config.principalLookbackDays()))
            .remediation(
                "Check with the owner of " + IdentityRemediation.email(event.principal()) + " whether its automation "
                    + "moved to " + network + " (a new CI runner, NAT or region). "
                    + IdentityRemediation.containIdentity(event) + " "
                    + IdentityRemediation.reviewChanges(event))
            .build());
  }
}
