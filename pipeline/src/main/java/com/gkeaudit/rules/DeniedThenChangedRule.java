package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * {@code denied-then-changed}: the first successful change by a principal within {@code escalationWindowMinutes}
 * after the event time of one of its {@code permission-denied-burst} findings (strictly after it, at most the window
 * after it), once per burst, cluster-keyed on the changed cluster. The bursts are found by {@link BurstRule} itself
 * over the same principal's events in the same order, so {@code burst_finding_id} is exactly the id of the
 * permission-denied-burst finding the pipeline reports.
 */
public final class DeniedThenChangedRule {
  private DeniedThenChangedRule() {}

  static void evaluate(
      PrincipalHistory history, ClusterEvent event, BurstRule deniedBursts, RuleConfig config,
      Consumer<Finding> out) {
    long now = event.timeNanos();
    if (event.successfulChange()) {
      for (Iterator<PrincipalHistory.OpenBurst> it = history.openBursts.iterator(); it.hasNext(); ) {
        PrincipalHistory.OpenBurst burst = it.next();
        if (now > burst.eventTimeNanos() && now - burst.eventTimeNanos() <= config.escalationWindowNanos()) {
          out.accept(finding(event, burst, config));
          it.remove();
        }
      }
    }
    // The burst rule's own step reports the burst; here only its id and time are kept.
    deniedBursts.onEvent(
        history.deniedBurst,
        event,
        burst -> history.openBursts.add(new PrincipalHistory.OpenBurst(burst.findingId(), burst.eventTimeNanos())));
  }

  private static Finding finding(ClusterEvent event, PrincipalHistory.OpenBurst burst, RuleConfig config) {
    long minutes = (event.timeNanos() - burst.eventTimeNanos()) / Times.NANOS_PER_MINUTE;
    return FindingBuilder.of(Rule.DENIED_THEN_CHANGED, config)
        .primary(event)
        .window(burst.eventTimeNanos(), event.timeNanos())
        .detail("burst_finding_id", burst.findingId())
        // Two bursts whose windows overlap can both be answered by one change: one finding each.
        .discriminator(burst.findingId())
        .description(
            String.format(
                "%s made a successful %s on cluster %s (%s) %d minutes after a burst of denied GKE API calls "
                    + "(permission-denied-burst %s at %s). Probing that is followed by success suggests the identity "
                    + "found or was granted a way in.",
                event.principal(), event.method(), event.clusterName(), event.location(), minutes, burst.findingId(),
                Times.format(burst.eventTimeNanos())))
        .remediation(
            "Find out what changed between the denials and the success: an IAM grant to "
                + IdentityRemediation.email(event.principal()) + " (gcloud logging read "
                + "'protoPayload.methodName=\"SetIamPolicy\" AND timestamp>=\"" + Times.format(burst.eventTimeNanos())
                + "\"' --freshness=2d), or another identity's credentials. "
                + IdentityRemediation.containIdentity(event) + " " + IdentityRemediation.reviewChanges(event))
        .build();
  }
}
