package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code ip-rotation-stalled} and {@code credential-rotation-stalled}: a successful StartIPRotation with no
 * successful CompleteIPRotation on the same cluster within {@code rotationMaxOpenHours}. The finding's time is the
 * deadline; whether the input reached it is decided downstream (transforms.EndOfInputGate).
 */
public final class RotationRule implements SequentialRule<RotationRule.State> {
  private static final String IP_REMEDIATION =
      "Check that nodes were recreated and clients use the new control-plane IP "
          + "(gcloud container clusters describe CLUSTER --location LOCATION --project PROJECT "
          + "--format=\"value(endpoint,masterAuth.clusterCaCertificate)\"; update kubeconfig with "
          + "gcloud container clusters get-credentials CLUSTER --location LOCATION --project PROJECT), then finish it: "
          + "gcloud container clusters update CLUSTER --location LOCATION --project PROJECT --complete-ip-rotation. "
          + "Until then the old IP keeps serving; GKE's auto-completion after 7 days is best-effort.";
  private static final String CREDENTIAL_REMEDIATION =
      "Recreate or upgrade node pools so they use the new credentials (gcloud container clusters upgrade CLUSTER "
          + "--location LOCATION --project PROJECT --node-pool POOL --cluster-version CURRENT_NODE_VERSION), update "
          + "every client (gcloud container clusters get-credentials CLUSTER --location LOCATION --project PROJECT), "
          + "then finish it: gcloud container clusters update CLUSTER --location LOCATION --project PROJECT "
          + "--complete-credential-rotation. Until then certificates signed by the old cluster CA stay valid.";

  private final RuleConfig config;

  public RotationRule(RuleConfig config) {
    this.config = config;
  }

  /** A rotation that has been started and not yet completed. */
  public static final class OpenRotation {
    public ClusterEvent start;
    public long deadlineNanos;
  }

  public static final class State {
    public List<OpenRotation> open = new ArrayList<>();
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
    if (!event.successfulChange()) {
      return;
    }
    if (event.method().equals("StartIPRotation")) {
      OpenRotation rotation = new OpenRotation();
      rotation.start = event;
      rotation.deadlineNanos = event.timeNanos() + config.rotationMaxOpenNanos();
      state.open.add(rotation);
    } else if (event.method().equals("CompleteIPRotation")) {
      // The IP and credential variants complete alike, so a Complete closes whatever is open.
      state.open.clear();
    }
  }

  @Override
  public Long nextDeadline(State state) {
    return state.open.isEmpty() ? null : state.open.get(0).deadlineNanos;
  }

  @Override
  public void onDeadline(State state, long deadlineNanos, Consumer<Finding> out) {
    OpenRotation rotation = state.open.remove(0);
    ClusterEvent start = rotation.start;
    boolean credentials = Boolean.TRUE.equals(start.rotateCredentials());
    Rule rule = credentials ? Rule.CREDENTIAL_ROTATION_STALLED : Rule.IP_ROTATION_STALLED;
    String what = credentials ? "credential rotation" : "IP rotation";
    out.accept(
        FindingBuilder.of(rule, config)
            .primary(start)
            .eventTime(deadlineNanos)
            .window(start.timeNanos(), deadlineNanos)
            .detail("rotate_credentials", credentials)
            .detail("started_at", com.gkeaudit.model.Times.format(start.timeNanos()))
            .detail("max_open_hours", config.rotationMaxOpenHours())
            .description(
                String.format(
                    "%s started a %s on cluster %s (%s) and it was not completed within %d hours. The cluster "
                        + "serves on both the old and the new control-plane IP%s until the rotation is completed.",
                    String.valueOf(start.principal()), what, start.clusterName(), start.location(),
                    config.rotationMaxOpenHours(), credentials ? " and trusts both the old and the new CA" : ""))
            .remediation(FindingBuilder.forCluster(credentials ? CREDENTIAL_REMEDIATION : IP_REMEDIATION, start))
            .build());
  }

  @Override
  public boolean isEmpty(State state) {
    return state.open.isEmpty();
  }
}
