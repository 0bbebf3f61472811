package com.gkeaudit.rules;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Times;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the behavioural rules (docs/behavioural-rules.md) remember of one principal: the state of {@link BehaviourRules}, stored by the
 * runner as JSON. Everything in it is bounded by distinct values or days within a lookback, never by the number of
 * entries: client families, source networks and change methods with their last sighting ({@link LastSeen}), the
 * times of the latest {@code rareMethodMinHistory} changes, changes per UTC day for the volume baseline, the denied
 * calls of an unfinished burst, and the bursts still inside the escalation window. {@link #prune} releases what left
 * its lookback; the first-seen time stays (establishment is measured from it), a few bytes per principal.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class PrincipalHistory {
  /** Time of the principal's first ClusterManager entry in the input. */
  public Long firstSeenNanos;
  /** Client families (docs/behavioural-rules.md table) of all its entries. */
  public LastSeen clients = new LastSeen();
  /** Source networks of all its entries (none is not recorded). */
  public LastSeen networks = new LastSeen();
  /** Methods of its successful changes. */
  public LastSeen changeMethods = new LastSeen();
  /** Times of its latest successful changes, ascending: enough to tell whether it made rareMethodMinHistory. */
  public List<Long> changeTimes = new ArrayList<>();
  /** Successful changes per UTC day (epoch day), for the days a volume baseline can still use. */
  public TreeMap<Long, Integer> changesPerDay = new TreeMap<>();
  /** The UTC day (epoch day) {@link #dayClusters} describe. */
  public Long clustersDay;
  /** Clusters changed on {@link #clustersDay}, and whether any raises severity (docs/rules.md escalation). */
  public List<String> dayClusters = new ArrayList<>();
  public boolean dayClustersEscalate;
  /** The UTC day change-volume-anomaly last fired on (once per principal and day). */
  public Long volumeFiredDay;
  /** The permission-denied-burst state, as {@link BurstRule} keeps it. */
  public SlidingBurst deniedBurst = new SlidingBurst();
  /** Its bursts whose escalation window is still open, oldest first. */
  public List<OpenBurst> openBursts = new ArrayList<>();

  /** A permission-denied-burst finding that no successful change has followed yet. */
  public record OpenBurst(String findingId, long eventTimeNanos) {}

  /** docs/behavioural-rules.md: established at t when t ≥ first entry + baselineDays. */
  boolean established(long timeNanos, RuleConfig config) {
    return firstSeenNanos != null && timeNanos >= firstSeenNanos + config.baselineNanos();
  }

  /** Successful changes at times in [sinceNanos, beforeNanos), counted up to {@code cap}. */
  int changesBetween(long sinceNanos, long beforeNanos, int cap) {
    int count = 0;
    for (int i = changeTimes.size() - 1; i >= 0 && count < cap; i--) {
      long t = changeTimes.get(i);
      if (t < sinceNanos) {
        break;
      }
      if (t < beforeNanos) {
        count++;
      }
    }
    return count;
  }

  /** Adds one entry of the principal to its history, after the rules have judged it. */
  void record(ClusterEvent event, RuleConfig config) {
    long now = event.timeNanos();
    if (firstSeenNanos == null) {
      firstSeenNanos = now;
    }
    clients.record(ClientFamily.of(event.userAgent()), now);
    String network = SourceNetwork.of(event.callerIp());
    if (network != null) {
      networks.record(network, now);
    }
    if (!event.successfulChange()) {
      return;
    }
    changeMethods.record(event.method(), now);
    changeTimes.add(now);
    // Keep the latest K strictly before the newest time, plus up to K at the newest time: a question asked at the
    // newest time counts the former, one asked later counts the latest K of all.
    int keep = config.rareMethodMinHistory();
    int atNewest = 0;
    int before = 0;
    List<Long> kept = new ArrayList<>();
    for (int i = changeTimes.size() - 1; i >= 0; i--) {
      long t = changeTimes.get(i);
      if (t == now ? atNewest++ < keep : before++ < keep) {
        kept.add(0, t);
      }
    }
    changeTimes = kept;
    long day = Math.floorDiv(now, Times.NANOS_PER_DAY);
    changesPerDay.merge(day, 1, Integer::sum);
    if (clustersDay == null || clustersDay != day) {
      clustersDay = day;
      dayClusters = new ArrayList<>();
      dayClustersEscalate = false;
    }
    if (!dayClusters.contains(event.clusterKey())) {
      dayClusters.add(event.clusterKey());
      dayClusters.sort(null);
    }
    dayClustersEscalate |= event.cluster() != null && Severity.qualifies(event.cluster(), config);
  }

  /** Releases whatever no question asked at or after {@code nowNanos} can use. */
  void prune(long nowNanos, RuleConfig config) {
    long horizon = nowNanos - config.principalLookbackNanos();
    clients.prune(horizon);
    networks.prune(horizon);
    changeMethods.prune(horizon);
    changeTimes.removeIf(t -> t < horizon);
    long today = Math.floorDiv(nowNanos, Times.NANOS_PER_DAY);
    changesPerDay.keySet().removeIf(day -> day < today - config.volumeBaselineDays());
    if (clustersDay != null && clustersDay < today) {
      clustersDay = null;
      dayClusters = new ArrayList<>();
      dayClustersEscalate = false;
    }
    if (volumeFiredDay != null && volumeFiredDay < today) {
      volumeFiredDay = null;
    }
    deniedBurst.expire(nowNanos, config.deniedWindowMinutes() * Times.NANOS_PER_MINUTE);
    openBursts.removeIf(b -> nowNanos - b.eventTimeNanos() > config.escalationWindowNanos());
  }

  /**
   * When {@link #prune} next has something to release, rounded up to the next UTC midnight so a quiet principal
   * costs at most one timer a day; null when only the first-seen time is left. Pruning never changes a finding
   * (every question checks times), so its timing is free.
   */
  Long releaseAt(RuleConfig config) {
    long lookback = config.principalLookbackNanos();
    List<Long> candidates = new ArrayList<>();
    for (LastSeen seen : List.of(clients, networks, changeMethods)) {
      Long earliest = seen.earliest();
      if (earliest != null) {
        candidates.add(earliest + lookback + 1);
      }
    }
    if (!changeTimes.isEmpty()) {
      candidates.add(changeTimes.get(0) + lookback + 1);
    }
    if (!changesPerDay.isEmpty()) {
      long oldest = changesPerDay.firstKey();
      candidates.add((oldest + config.volumeBaselineDays() + 1) * Times.NANOS_PER_DAY);
    }
    if (clustersDay != null) {
      candidates.add((clustersDay + 1) * Times.NANOS_PER_DAY);
    }
    if (volumeFiredDay != null) {
      candidates.add((volumeFiredDay + 1) * Times.NANOS_PER_DAY);
    }
    Long burst = deniedBurst.forgetAt(config.deniedWindowMinutes() * Times.NANOS_PER_MINUTE);
    if (burst != null) {
      candidates.add(burst);
    }
    for (OpenBurst open : openBursts) {
      candidates.add(open.eventTimeNanos() + config.escalationWindowNanos() + 1);
    }
    if (candidates.isEmpty()) {
      return null;
    }
    long earliest = candidates.stream().mapToLong(Long::longValue).min().getAsLong();
    return Math.floorDiv(earliest + Times.NANOS_PER_DAY - 1, Times.NANOS_PER_DAY) * Times.NANOS_PER_DAY;
  }

  /** Distinct values and days held: what the state grows with (for tests and the benchmark). */
  @JsonIgnore
  public int heldItems() {
    return clients.size() + networks.size() + changeMethods.size() + changeTimes.size() + changesPerDay.size()
        + dayClusters.size() + deniedBurst.recent.size() + openBursts.size();
  }

  /** Sorted distinct families in a list, for details. */
  static List<String> sorted(java.util.Collection<String> values) {
    return new ArrayList<>(new TreeSet<>(values));
  }
}
