package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code rare-method}: a successful change by an established principal with a change method it has not successfully
 * made on any cluster in the preceding {@code principalLookbackDays}, when it made at least
 * {@code rareMethodMinHistory} successful changes in that span (so "never" means something).
 */
public final class RareMethodRule {
  /** Methods that rotate credentials or switch a security or audit control: HIGH. */
  static final Set<String> SENSITIVE =
      Set.of("StartIPRotation", "CompleteIPRotation", "SetMasterAuth", "SetLegacyAbac", "SetNetworkPolicy",
          "SetLoggingService", "SetMonitoringService");

  /** How to check and undo each change method (CLUSTER, LOCATION, PROJECT are filled in). */
  private static final Map<String, String> REVERT =
      Map.ofEntries(
          Map.entry("SetMasterAuth", "Basic authentication must stay off: gcloud container clusters update CLUSTER "
              + "--location LOCATION --project PROJECT --no-enable-basic-auth; if credentials may have leaked, rotate "
              + "them (--start-credential-rotation, then --complete-credential-rotation)."),
          Map.entry("SetLegacyAbac", "Legacy ABAC bypasses RBAC: gcloud container clusters update CLUSTER --location "
              + "LOCATION --project PROJECT --no-enable-legacy-authorization."),
          Map.entry("SetNetworkPolicy", "Check network policy enforcement (gcloud container clusters describe CLUSTER "
              + "--location LOCATION --project PROJECT --format='value(networkPolicy)') and restore it with gcloud "
              + "container clusters update CLUSTER --location LOCATION --project PROJECT --enable-network-policy."),
          Map.entry("SetLoggingService", "Check that audit and workload logs still flow and restore them: gcloud "
              + "container clusters update CLUSTER --location LOCATION --project PROJECT --logging=SYSTEM,WORKLOAD."),
          Map.entry("SetMonitoringService", "Restore monitoring: gcloud container clusters update CLUSTER --location "
              + "LOCATION --project PROJECT --monitoring=SYSTEM."),
          Map.entry("StartIPRotation", "A rotation cannot be undone; if it was not planned, find out who holds the "
              + "identity, then finish it deliberately: gcloud container clusters update CLUSTER --location LOCATION "
              + "--project PROJECT --complete-ip-rotation (or --complete-credential-rotation)."),
          Map.entry("CompleteIPRotation", "Check that every client uses the new endpoint and credentials: gcloud "
              + "container clusters get-credentials CLUSTER --location LOCATION --project PROJECT."),
          Map.entry("UpdateMaster", "Check the control-plane version: gcloud container clusters describe CLUSTER "
              + "--location LOCATION --project PROJECT --format='value(currentMasterVersion)'."),
          Map.entry("SetLabels", "Restore labels with gcloud container clusters update CLUSTER --location LOCATION "
              + "--project PROJECT --update-labels KEY=VALUE (or --remove-labels KEY)."),
          Map.entry("SetMaintenancePolicy", "Restore the maintenance window and exclusions: gcloud container clusters "
              + "update CLUSTER --location LOCATION --project PROJECT --maintenance-window-start ... "
              + "--maintenance-window-end ... --maintenance-window-recurrence ..."),
          Map.entry("SetLocations", "Restore the node locations: gcloud container clusters update CLUSTER --location "
              + "LOCATION --project PROJECT --node-locations ZONES."),
          Map.entry("SetAddonsConfig", "Restore the add-ons: gcloud container clusters update CLUSTER --location "
              + "LOCATION --project PROJECT --update-addons ADDON=ENABLED|DISABLED."),
          Map.entry("UpdateCluster", "Check the request in the audit entry (events table, request_json) and revert "
              + "that setting with gcloud container clusters update CLUSTER --location LOCATION --project PROJECT."));

  private RareMethodRule() {}

  static void evaluate(PrincipalHistory history, ClusterEvent event, RuleConfig config, Consumer<Finding> out) {
    long now = event.timeNanos();
    if (!event.successfulChange() || !history.established(now, config)) {
      return;
    }
    long since = now - config.principalLookbackNanos();
    int needed = config.rareMethodMinHistory();
    if (history.changeMethods.seen(event.method(), since, now)
        || history.changesBetween(since, now, needed) < needed) {
      return;
    }
    boolean sensitive = SENSITIVE.contains(event.method());
    out.accept(
        FindingBuilder.of(Rule.RARE_METHOD, config)
            .primary(event)
            .baseSeverity(sensitive ? Severity.HIGH : Severity.MEDIUM)
            .detail("method", event.method())
            .description(
                String.format(
                    "%s called %s successfully on cluster %s (%s), a change method it has not used in %d days "
                        + "although it made %s other changes in that time (%s, from %s).",
                    event.principal(), event.method(), event.clusterName(), event.location(),
                    config.principalLookbackDays(), needed == 0 ? "" : "at least " + needed,
                    ClientFamily.of(event.userAgent()), event.callerIp()).replace("made  other", "made other"))
            .remediation(
                "Confirm with the owner of " + IdentityRemediation.email(event.principal()) + " that " + event.method()
                    + " on " + event.clusterName() + " was planned (change ticket, pipeline run). "
                    + FindingBuilder.forCluster(REVERT.getOrDefault(event.method(), ""), event) + " "
                    + IdentityRemediation.containIdentity(event))
            .build());
  }
}
