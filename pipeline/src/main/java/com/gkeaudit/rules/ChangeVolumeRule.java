package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code change-volume-anomaly}: a principal's successful changes in one UTC day, all clusters together, exceed
 * max({@code volumeMinChanges}, mean + {@code volumeSigma} × population standard deviation) of its daily counts over
 * the preceding {@code volumeBaselineDays} whole UTC days. Only days on or after the day of its first entry count
 * (days without changes as 0), and only once at least {@code baselineDays} such days exist. It fires at the change
 * whose count first exceeds the threshold, once per principal and day; principal-keyed, the day's clusters in details.
 */
public final class ChangeVolumeRule {
  private ChangeVolumeRule() {}

  /** The day's baseline: the threshold and what it came from. */
  record Baseline(int days, double mean, double stddev, double threshold) {}

  /** The baseline of UTC day {@code day}, or null while fewer than {@code baselineDays} days qualify. */
  static Baseline baseline(PrincipalHistory history, long day, RuleConfig config) {
    long firstDay = Math.floorDiv(history.firstSeenNanos, Times.NANOS_PER_DAY);
    long from = Math.max(day - config.volumeBaselineDays(), firstDay);
    int days = (int) Math.max(0, day - from);
    if (days < config.baselineDays()) {
      return null;
    }
    List<Integer> counts = new ArrayList<>();
    for (long d = from; d < day; d++) {
      counts.add(history.changesPerDay.getOrDefault(d, 0));
    }
    // Two passes (mean, then squared deviations): exact for the small integers daily counts are.
    double sum = 0;
    for (int c : counts) {
      sum += c;
    }
    double mean = days == 0 ? 0 : sum / days;
    double squares = 0;
    for (int c : counts) {
      squares += (c - mean) * (c - mean);
    }
    double stddev = days == 0 ? 0 : Math.sqrt(squares / days);
    double threshold = Math.max(config.volumeMinChanges(), mean + config.volumeSigma() * stddev);
    return new Baseline(days, mean, stddev, threshold);
  }

  static void evaluate(PrincipalHistory history, ClusterEvent event, RuleConfig config, Consumer<Finding> out) {
    if (!event.successfulChange()) {
      return;
    }
    long now = event.timeNanos();
    long day = Math.floorDiv(now, Times.NANOS_PER_DAY);
    if (history.volumeFiredDay != null && history.volumeFiredDay == day) {
      return;
    }
    int count = history.changesPerDay.getOrDefault(day, 0) + 1;
    Baseline baseline = baseline(history, day, config);
    if (baseline == null || count <= baseline.threshold()) {
      return;
    }
    history.volumeFiredDay = day;
    List<String> clusters = new ArrayList<>();
    boolean escalate = false;
    if (history.clustersDay != null && history.clustersDay == day) {
      clusters.addAll(history.dayClusters);
      escalate = history.dayClustersEscalate;
    }
    if (!clusters.contains(event.clusterKey())) {
      clusters.add(event.clusterKey());
      clusters.sort(null);
    }
    long dayStart = day * Times.NANOS_PER_DAY;
    String date = Times.format(dayStart).substring(0, 10);
    out.accept(
        FindingBuilder.of(Rule.CHANGE_VOLUME_ANOMALY, config)
            .primary(event)
            .noCluster()
            .window(dayStart, now)
            .alsoEscalatedBy(escalate)
            .detail("count", count)
            .detail("threshold", baseline.threshold())
            .detail("mean", baseline.mean())
            .detail("stddev", baseline.stddev())
            .detail("clusters", clusters)
            .description(
                String.format(
                    Locale.ROOT,
                    "%s made %d successful control-plane changes on %s (UTC) by %s, above its threshold of %.1f "
                        + "(over its last %d days: mean %.2f, standard deviation %.2f per day; at least %d). Clusters: "
                        + "%s.",
                    event.principal(), count, date, Times.format(now).substring(11), baseline.threshold(),
                    baseline.days(), baseline.mean(), baseline.stddev(), config.volumeMinChanges(),
                    String.join(", ", clusters)))
            .remediation(
                "Ask the owner of " + IdentityRemediation.email(event.principal()) + " what drove the changes on "
                    + date + " (a planned rollout has a change record). List them: gcloud logging read "
                    + "'protoPayload.serviceName=\"container.googleapis.com\" AND "
                    + "protoPayload.authenticationInfo.principalEmail=\"" + IdentityRemediation.email(event.principal())
                    + "\" AND timestamp>=\"" + date + "T00:00:00Z\"' --limit=" + (count + 50)
                    + ", and compare each cluster with its declared configuration (gcloud container clusters describe "
                    + "CLUSTER --location LOCATION --project PROJECT); revert unexpected settings with gcloud container "
                    + "clusters update. " + IdentityRemediation.containIdentity(event))
            .build());
  }
}
