package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import java.util.function.Consumer;

/**
 * {@code operation-failed}: an operation of a change method or DeleteCluster whose {@code last} entry (or synchronous
 * entry) carries an error other than PERMISSION_DENIED/UNAUTHENTICATED. Runs per operation, joining the
 * {@code first} entry (principal, caller, request) to the {@code last} (final status), in event-time order; an
 * orphan {@code last} still counts, with no principal. Google-initiated operations never count.
 */
public final class OperationFailedRule implements SequentialRule<OperationFailedRule.State> {
  /** A {@code first} whose {@code last} never arrives is forgotten after this long. */
  static final long ABANDON_AFTER_NANOS = 30 * Times.NANOS_PER_DAY;

  private final RuleConfig config;

  public OperationFailedRule(RuleConfig config) {
    this.config = config;
  }

  public static final class State {
    public ClusterEvent first;
  }

  @Override
  public String keyOf(ClusterEvent event) {
    return Keys.operation(event);
  }

  @Override
  public Class<State> stateClass() {
    return State.class;
  }

  @Override
  public void onEvent(State state, ClusterEvent event, Consumer<Finding> out) {
    if (event.operationFirst() && state.first == null) {
      state.first = event;
    }
    if (event.operationLast()) {
      evaluate(event, state.first, config, out);
      state.first = null;
    }
  }

  /** Judges a failing entry; {@code first} is the operation's request-bearing entry when known. */
  static void evaluate(ClusterEvent failing, ClusterEvent first, RuleConfig config, Consumer<Finding> out) {
    if (first == null && failing.operationId() == null) {
      // A synchronous call is its own request-bearing entry: its caller is known, it is not an orphan.
      first = failing;
    }
    boolean failed = failing.statusCode() != 0 && failing.statusCode() != 7 && failing.statusCode() != 16;
    boolean watched =
        failing.changeMethodOnCluster()
            || (failing.method().equals("DeleteCluster") && "gke_cluster".equals(failing.resourceType()));
    boolean google = failing.googleInitiated() || (first != null && first.googleInitiated());
    if (!failed || !watched || google) {
      return;
    }
    FindingBuilder builder = FindingBuilder.of(Rule.OPERATION_FAILED, config);
    if (first != null && first != failing) {
      builder.primary(first).evidence(java.util.List.of(failing));
    } else {
      builder.primary(failing);
    }
    String who = first == null ? "an unknown principal (the operation's first entry is not in the input)"
        : String.valueOf(first.principal());
    out.accept(
        builder
            .eventTime(failing.timeNanos())
            .detail("status_code", failing.statusCode())
            .detail("status_message", failing.statusMessage())
            .detail("orphan", first == null)
            .description(
                String.format(
                    "%s on cluster %s (%s), started by %s, failed with status %d: %s. A half-applied control-plane "
                        + "change can leave the cluster degraded or in an unintended state.",
                    failing.method(), failing.clusterName(), failing.location(), who, failing.statusCode(),
                    String.valueOf(failing.statusMessage())))
            .remediation(
                FindingBuilder.forCluster(
                    "Inspect the operation"
                        + (failing.operationId() == null ? "" : ": gcloud container operations describe "
                            + failing.operationId() + " --location LOCATION --project PROJECT")
                        + "; check the cluster's state with gcloud container clusters describe CLUSTER --location "
                        + "LOCATION --project PROJECT --format=\"value(status,statusMessage,currentMasterVersion)\"; "
                        + "fix the cause and retry the change, or revert to the declared configuration.",
                    failing))
            .build());
  }

  @Override
  public Long nextDeadline(State state) {
    return state.first == null ? null : state.first.timeNanos() + ABANDON_AFTER_NANOS;
  }

  @Override
  public void onDeadline(State state, long deadlineNanos, Consumer<Finding> out) {
    state.first = null;
  }

  @Override
  public boolean isEmpty(State state) {
    return state.first == null;
  }
}
