package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The burst family: {@code permission-denied-burst} (denied calls per principal), {@code change-burst} (successful
 * changes per cluster) and {@code multi-cluster-change} (successful changes on distinct clusters per principal).
 */
public final class BurstRule implements SequentialRule<SlidingBurst> {
  private final Rule rule;
  private final RuleConfig config;

  private BurstRule(Rule rule, RuleConfig config) {
    this.rule = rule;
    this.config = config;
  }

  public static BurstRule deniedCalls(RuleConfig config) {
    return new BurstRule(Rule.PERMISSION_DENIED_BURST, config);
  }

  public static BurstRule changes(RuleConfig config) {
    return new BurstRule(Rule.CHANGE_BURST, config);
  }

  public static BurstRule multiCluster(RuleConfig config) {
    return new BurstRule(Rule.MULTI_CLUSTER_CHANGE, config);
  }

  @Override
  public String keyOf(ClusterEvent event) {
    return rule == Rule.CHANGE_BURST ? Keys.cluster(event) : Keys.principal(event);
  }

  private boolean qualifies(ClusterEvent event) {
    return rule == Rule.PERMISSION_DENIED_BURST ? event.deniedCall() : event.successfulChange();
  }

  private int threshold() {
    return switch (rule) {
      case PERMISSION_DENIED_BURST -> config.deniedThreshold();
      case CHANGE_BURST -> config.burstThreshold();
      default -> config.fanoutThreshold();
    };
  }

  private int windowMinutes() {
    return switch (rule) {
      case PERMISSION_DENIED_BURST -> config.deniedWindowMinutes();
      case CHANGE_BURST -> config.burstWindowMinutes();
      default -> config.fanoutWindowMinutes();
    };
  }

  @Override
  public Class<SlidingBurst> stateClass() {
    return SlidingBurst.class;
  }

  @Override
  public void onEvent(SlidingBurst state, ClusterEvent event, Consumer<Finding> out) {
    long windowNanos = windowMinutes() * Times.NANOS_PER_MINUTE;
    state.expire(event.timeNanos(), windowNanos);
    if (!qualifies(event)) {
      return;
    }
    List<ClusterEvent> burst = state.add(event, threshold(), windowNanos, rule == Rule.MULTI_CLUSTER_CHANGE);
    if (burst != null) {
      out.accept(finding(burst));
    }
  }

  private Finding finding(List<ClusterEvent> burst) {
    ClusterEvent first = burst.get(0);
    ClusterEvent last = burst.get(burst.size() - 1);
    TreeSet<String> principals = new TreeSet<>();
    TreeSet<String> clusters = new TreeSet<>();
    TreeSet<String> methods = new TreeSet<>();
    for (ClusterEvent e : burst) {
      if (e.principal() != null) {
        principals.add(e.principal());
      }
      clusters.add(e.clusterKey());
      methods.add(e.method());
    }
    FindingBuilder builder =
        FindingBuilder.of(rule, config)
            .primary(last)
            .evidence(burst)
            .window(first.timeNanos(), last.timeNanos())
            .detail("count", burst.size())
            .detail("threshold", threshold())
            .detail("window_minutes", windowMinutes())
            .detail("principals", List.copyOf(principals))
            .detail("clusters", List.copyOf(clusters))
            .detail("methods", List.copyOf(methods));
    String span = Times.format(first.timeNanos()) + " to " + Times.format(last.timeNanos());
    return switch (rule) {
      case PERMISSION_DENIED_BURST -> builder
          .noCluster()
          .description(
              String.format(
                  "%s made %d GKE API calls that were denied (PERMISSION_DENIED/UNAUTHENTICATED) within %d minutes "
                      + "(%s), on %s. Repeated denials suggest probing with a stolen or misconfigured identity.",
                  last.principal(), burst.size(), windowMinutes(), span, String.join(", ", clusters)))
          .remediation(
              "Confirm with the owner of " + last.principal() + " whether these calls were expected. Review them: "
                  + "gcloud logging read 'protoPayload.serviceName=\"container.googleapis.com\" AND "
                  + "protoPayload.authenticationInfo.principalEmail=\"" + last.principal() + "\" AND "
                  + "protoPayload.status.code=7' --freshness=2d. If the identity is compromised, disable it "
                  + "(gcloud iam service-accounts disable EMAIL, or suspend the user) and rotate its keys "
                  + "(gcloud iam service-accounts keys list --iam-account EMAIL).")
          .build();
      case CHANGE_BURST -> builder
          .description(
              String.format(
                  "%d successful control-plane changes on cluster %s (%s) within %d minutes (%s) by %s: %s.",
                  burst.size(), last.clusterName(), last.location(), windowMinutes(), span,
                  String.join(", ", principals), String.join(", ", methods)))
          .remediation(
              FindingBuilder.forCluster(
                  "Check that the changes were planned (change ticket, CI pipeline) and compare the cluster with its "
                      + "declared configuration: gcloud container operations list --location LOCATION --project "
                      + "PROJECT --filter=\"targetLink~clusters/CLUSTER\" and gcloud container clusters describe "
                      + "CLUSTER --location LOCATION --project PROJECT. Revert unexpected settings and restrict "
                      + "roles/container.admin and roles/container.clusterAdmin to the deployment identity.",
                  last))
          .build();
      default -> builder
          .noCluster()
          .description(
              String.format(
                  "%s made successful control-plane changes on %d distinct clusters within %d minutes (%s): %s. "
                      + "Fan-out across a fleet is how a compromised admin identity spreads.",
                  last.principal(), burst.size(), windowMinutes(), span, String.join(", ", clusters)))
          .remediation(
              "Confirm the fleet-wide change with the owner of " + last.principal() + " (a planned rollout has a "
                  + "change record). If unexpected, remove its GKE roles at once (gcloud projects "
                  + "remove-iam-policy-binding PROJECT --member=user:" + last.principal()
                  + " --role=roles/container.admin, or serviceAccount: for a service account), then review each "
                  + "cluster's operations: gcloud container operations list --project PROJECT.")
          .build();
    };
  }

  /** Forgetting is scheduled too, so a quiet key's state is released rather than kept until its next event. */
  @Override
  public Long nextDeadline(SlidingBurst state) {
    return state.forgetAt(windowMinutes() * Times.NANOS_PER_MINUTE);
  }

  @Override
  public void onDeadline(SlidingBurst state, long deadlineNanos, Consumer<Finding> out) {
    state.expire(deadlineNanos, windowMinutes() * Times.NANOS_PER_MINUTE);
  }

  @Override
  public boolean isEmpty(SlidingBurst state) {
    return state.isEmpty();
  }
}
