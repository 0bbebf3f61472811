package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.MaintenancePolicy;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code outside-maintenance-window}: a successful USER-initiated disruptive change (UpdateMaster, IP/credential
 * rotation, UpdateCluster with a master version) outside every occurrence of the cluster's maintenance window, or
 * inside one of its exclusions. Needs cluster metadata with a window; otherwise silent.
 */
public final class MaintenanceWindowRule {
  private static final Set<String> DISRUPTIVE = Set.of("UpdateMaster", "StartIPRotation", "CompleteIPRotation");

  private MaintenanceWindowRule() {}

  static void evaluate(ClusterEvent event, RuleConfig config, Consumer<Finding> out) {
    boolean disruptive =
        DISRUPTIVE.contains(event.method())
            || (event.method().equals("UpdateCluster") && event.requestedMasterVersion() != null);
    if (!disruptive || !event.successfulChange() || !ClusterEvent.USER.equals(event.initiator())) {
      return;
    }
    MaintenancePolicy policy = event.cluster() == null ? null : event.cluster().maintenancePolicy();
    if (policy == null) {
      return;
    }
    Optional<String> violation = policy.violation(com.gkeaudit.model.Times.toInstant(event.timeNanos()));
    if (violation.isEmpty()) {
      return;
    }
    out.accept(
        FindingBuilder.of(Rule.OUTSIDE_MAINTENANCE_WINDOW, config)
            .primary(event)
            .detail("violation", violation.get())
            .detail("maintenance_policy", policy.describe())
            .description(
                String.format(
                    "%s ran %s on cluster %s (%s) %s. Disruptive control-plane work outside agreed windows causes "
                        + "unplanned API-server unavailability and node recreation.",
                    event.principal(), event.method(), event.clusterName(), event.location(), violation.get()))
            .remediation(
                FindingBuilder.forCluster(
                    "Check the change record. Review the policy with gcloud container clusters describe CLUSTER "
                        + "--location LOCATION --project PROJECT --format=\"yaml(maintenancePolicy)\"; schedule such "
                        + "work inside the window, and protect freeze periods with gcloud container clusters update "
                        + "CLUSTER --location LOCATION --project PROJECT --add-maintenance-exclusion-name=NAME "
                        + "--add-maintenance-exclusion-start=START --add-maintenance-exclusion-end=END.",
                    event))
            .build());
  }
}
