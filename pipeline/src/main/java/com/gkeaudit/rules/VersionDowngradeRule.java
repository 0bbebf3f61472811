package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * {@code version-downgrade}: a requested master version below the cluster's current one, comparing only the
 * components the request gives. Current = the metadata's {@code currentMasterVersion} for events after its
 * {@code update_time}, and every version requested by earlier successful changes.
 */
public final class VersionDowngradeRule implements SequentialRule<VersionDowngradeRule.State> {
  private final RuleConfig config;

  public VersionDowngradeRule(RuleConfig config) {
    this.config = config;
  }

  public static final class State {
    /** Versions requested by earlier successful changes (distinct, as written). */
    public TreeSet<String> requested = new TreeSet<>();
  }

  @Override
  public String keyOf(ClusterEvent event) {
    return event.requestedMasterVersion() == null ? null : Keys.cluster(event);
  }

  @Override
  public Class<State> stateClass() {
    return State.class;
  }

  @Override
  public void onEvent(State state, ClusterEvent event, Consumer<Finding> out) {
    if (!event.successfulChange()) {
      return;
    }
    Optional<GkeVersion> requested = GkeVersion.parse(event.requestedMasterVersion());
    if (requested.isEmpty()) {
      return;
    }
    List<GkeVersion> above = new ArrayList<>();
    for (GkeVersion current : currentVersions(state, event)) {
      if (requested.get().isBelow(current)) {
        above.add(current);
      }
    }
    if (!above.isEmpty()) {
      out.accept(finding(event, requested.get(), above));
    }
    state.requested.add(requested.get().toString());
  }

  private static List<GkeVersion> currentVersions(State state, ClusterEvent event) {
    List<GkeVersion> versions = new ArrayList<>();
    ClusterMetadata cluster = event.cluster();
    if (cluster != null
        && (cluster.updateTimeNanos() == null || cluster.updateTimeNanos() < event.timeNanos())) {
      GkeVersion.parse(cluster.currentMasterVersion()).ifPresent(versions::add);
    }
    for (String earlier : state.requested) {
      GkeVersion.parse(earlier).ifPresent(versions::add);
    }
    return versions;
  }

  private Finding finding(ClusterEvent event, GkeVersion requested, List<GkeVersion> above) {
    List<String> aboveText = above.stream().map(GkeVersion::toString).sorted().distinct().toList();
    return FindingBuilder.of(Rule.VERSION_DOWNGRADE, config)
        .primary(event)
        .detail("requested_version", requested.toString())
        .detail("current_versions", aboveText)
        .description(
            String.format(
                "%s requested control-plane version %s on cluster %s (%s), below its current version %s. Rolling "
                    + "back a control plane can reintroduce fixed vulnerabilities.",
                event.principal(), requested, event.clusterName(), event.location(), String.join(" / ", aboveText)))
        .remediation(
            FindingBuilder.forCluster(
                "Confirm the rollback was intended (GKE 1.33+ two-step minor upgrades allow a planned rollback). If "
                    + "not, upgrade back: gcloud container clusters upgrade CLUSTER --location LOCATION --project "
                    + "PROJECT --master --cluster-version " + aboveText.get(aboveText.size() - 1)
                    + ", and check the security bulletins for the versions in between "
                    + "(gcloud container get-server-config --location LOCATION --project PROJECT).",
                event))
        .build();
  }

  @Override
  public boolean isEmpty(State state) {
    return state.requested.isEmpty();
  }
}
