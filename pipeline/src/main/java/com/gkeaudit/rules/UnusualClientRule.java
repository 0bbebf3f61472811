package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code unusual-client}: a successful change by an established principal whose client family is not
 * {@code unknown} and occurs in none of its entries of the preceding {@code principalLookbackDays}. HIGH for
 * service accounts: a key used from a tool its automation never used is how a stolen key looks.
 */
public final class UnusualClientRule {
  private UnusualClientRule() {}

  static void evaluate(PrincipalHistory history, ClusterEvent event, RuleConfig config, Consumer<Finding> out) {
    long now = event.timeNanos();
    if (!event.successfulChange() || !history.established(now, config)) {
      return;
    }
    String family = ClientFamily.of(event.userAgent());
    long since = now - config.principalLookbackNanos();
    if (family.equals(ClientFamily.UNKNOWN) || history.clients.seen(family, since, now)) {
      return;
    }
    List<String> known = history.clients.seenBetween(since, now);
    boolean automation = ClusterEvent.AUTOMATION.equals(event.initiator());
    out.accept(
        FindingBuilder.of(Rule.UNUSUAL_CLIENT, config)
            .primary(event)
            .baseSeverity(automation ? Severity.HIGH : Severity.MEDIUM)
            .detail("family", family)
            .detail("known", known)
            .description(
                String.format(
                    "%s made a successful %s on cluster %s (%s) with %s (user agent '%s'), a client it has not used "
                        + "in %d days; it used %s. A credential used from a new tool is how a stolen key or token "
                        + "looks.",
                    event.principal(), event.method(), event.clusterName(), event.location(), family,
                    event.userAgent(), config.principalLookbackDays(),
                    known.isEmpty() ? "no identifiable client" : String.join(", ", known)))
            .remediation(
                "Ask the owner of " + IdentityRemediation.email(event.principal()) + " whether this " + family
                    + " call from " + event.callerIp() + " was theirs. " + IdentityRemediation.containIdentity(event)
                    + " " + IdentityRemediation.reviewChanges(event))
            .build());
  }
}
