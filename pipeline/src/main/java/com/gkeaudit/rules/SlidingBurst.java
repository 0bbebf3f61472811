package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * docs/rules.md sliding-window bursts: N qualifying events whose span is at most W form a burst; once fired, the burst
 * lasts until a full window W passes without a qualifying event, and only then can the next one fire. Optionally the
 * N must be distinct clusters (the N-th distinct cluster completes the burst). Plain state, stored by the runner.
 */
public final class SlidingBurst {
  /** Qualifying events within the last window, oldest first (only while no burst is active). */
  public List<ClusterEvent> recent = new ArrayList<>();
  /** Time of the last qualifying event of the active burst; null when none is active. */
  public Long activeUntilNanos;

  /**
   * Adds a qualifying event (in event-time order) and returns the events that complete a new burst, oldest first,
   * or null.
   */
  public List<ClusterEvent> add(
      ClusterEvent event, int threshold, long windowNanos, boolean distinctClusters) {
    long now = event.timeNanos();
    if (activeUntilNanos != null) {
      if (now - activeUntilNanos <= windowNanos) {
        activeUntilNanos = now;
        return null;
      }
      activeUntilNanos = null;
    }
    recent.add(event);
    recent.removeIf(e -> e.timeNanos() < now - windowNanos);
    List<ClusterEvent> burst = distinctClusters ? latestPerCluster(threshold) : lastN(threshold);
    if (burst != null) {
      activeUntilNanos = now;
      recent.clear();
    }
    return burst;
  }

  public boolean isEmpty() {
    return recent.isEmpty() && activeUntilNanos == null;
  }

  /** Drops what can no longer matter at {@code nowNanos}. */
  public void expire(long nowNanos, long windowNanos) {
    recent.removeIf(e -> e.timeNanos() < nowNanos - windowNanos);
    if (activeUntilNanos != null && nowNanos - activeUntilNanos > windowNanos) {
      activeUntilNanos = null;
    }
  }

  /** The earliest time at which {@link #expire} would drop something, or null when nothing is held. */
  public Long forgetAt(long windowNanos) {
    Long at = recent.isEmpty() ? null : recent.get(0).timeNanos() + windowNanos + 1;
    if (activeUntilNanos != null) {
      long end = activeUntilNanos + windowNanos + 1;
      at = at == null ? end : Math.min(at, end);
    }
    return at;
  }

  private List<ClusterEvent> lastN(int threshold) {
    return recent.size() >= threshold ? new ArrayList<>(recent.subList(recent.size() - threshold, recent.size())) : null;
  }

  private List<ClusterEvent> latestPerCluster(int threshold) {
    Map<String, ClusterEvent> latest = new LinkedHashMap<>();
    for (ClusterEvent e : recent) {
      latest.remove(e.clusterKey());
      latest.put(e.clusterKey(), e);
    }
    if (latest.size() < threshold) {
      return null;
    }
    List<ClusterEvent> ordered = new ArrayList<>(latest.values());
    return new ArrayList<>(ordered.subList(ordered.size() - threshold, ordered.size()));
  }
}
