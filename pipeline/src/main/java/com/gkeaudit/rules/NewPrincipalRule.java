package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code new-principal}: a successful change on a cluster by a principal with no successful change there in the
 * preceding {@code principalLookbackDays}, once the cluster has {@code baselineDays} of observed history (from its
 * first ClusterManager entry of any kind).
 */
public final class NewPrincipalRule implements SequentialRule<NewPrincipalRule.State> {
  private static final Set<String> SENSITIVE_METHODS = Set.of("StartIPRotation", "CompleteIPRotation", "SetMasterAuth");

  private final RuleConfig config;

  public NewPrincipalRule(RuleConfig config) {
    this.config = config;
  }

  public static final class State {
    public Long firstSeenNanos;
    /** Principal -> time of its latest successful change on the cluster, within the lookback. */
    public Map<String, Long> lastChange = new TreeMap<>();
  }

  @Override
  public String keyOf(ClusterEvent event) {
    return Keys.cluster(event);
  }

  @Override
  public Class<State> stateClass() {
    return State.class;
  }

  @Override
  public void onEvent(State state, ClusterEvent event, Consumer<Finding> out) {
    long now = event.timeNanos();
    if (state.firstSeenNanos == null) {
      state.firstSeenNanos = now;
    }
    state.lastChange.values().removeIf(t -> now - t > config.principalLookbackNanos());
    if (!event.successfulChange() || event.principal() == null) {
      return;
    }
    boolean known = state.lastChange.containsKey(event.principal());
    boolean baselineComplete = now >= state.firstSeenNanos + config.baselineNanos();
    if (!known && baselineComplete) {
      out.accept(finding(event, state.firstSeenNanos));
    }
    state.lastChange.put(event.principal(), now);
  }

  private Finding finding(ClusterEvent event, long firstSeenNanos) {
    boolean sensitive = SENSITIVE_METHODS.contains(event.method());
    return FindingBuilder.of(Rule.NEW_PRINCIPAL, config)
        .primary(event)
        .baseSeverity(sensitive ? Severity.HIGH : Severity.MEDIUM)
        .detail("lookback_days", config.principalLookbackDays())
        .detail("history_since", Times.format(firstSeenNanos))
        .detail("initiator", event.initiator())
        .description(
            String.format(
                "%s (%s) made its first successful change on cluster %s (%s) in %d days: %s from %s.",
                event.principal(), event.initiator().toLowerCase(java.util.Locale.ROOT), event.clusterName(),
                event.location(), config.principalLookbackDays(), event.method(), event.callerIp()))
        .remediation(
            FindingBuilder.forCluster(
                "Confirm with the cluster owner that " + event.principal() + " should administer CLUSTER. If not, "
                    + "remove its access (gcloud projects get-iam-policy PROJECT --flatten=bindings[].members "
                    + "--filter=\"bindings.members~" + event.principal() + "\", then gcloud projects "
                    + "remove-iam-policy-binding PROJECT --member=MEMBER --role=ROLE) and review what it changed: "
                    + "gcloud container operations list --location LOCATION --project PROJECT.",
                event))
        .build();
  }

  /** After the lookback, a quiet cluster's principals are forgotten; the first-seen time must stay. */
  @Override
  public boolean isEmpty(State state) {
    return false;
  }
}
