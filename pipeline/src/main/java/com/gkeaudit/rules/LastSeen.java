package com.gkeaudit.rules;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The one answer to "has this principal been seen doing X since T": each X (a client family, a source network, a
 * change method) with the time it was last seen. Its size is the number of distinct X seen within the lookback,
 * whatever the number of entries, and {@link #prune} forgets an X once its last sighting leaves the lookback.
 *
 * <p>docs/behavioural-rules.md looks at entries <em>strictly</em> before the event. Events are recorded in event-time order, but
 * several can share one timestamp; so each X also keeps its previous distinct time ({@code prior}), and a question
 * asked at the time of its latest sighting is answered from the one before.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class LastSeen {
  /** X -> latest time seen (epoch nanos). */
  public TreeMap<String, Long> last = new TreeMap<>();
  /** X -> the latest time seen strictly before {@code last[X]}, while within the lookback. */
  public TreeMap<String, Long> prior = new TreeMap<>();

  /** Records a sighting; calls come in non-decreasing time order. */
  public void record(String x, long timeNanos) {
    Long latest = last.get(x);
    if (latest == null || timeNanos > latest) {
      if (latest != null) {
        prior.put(x, latest);
      }
      last.put(x, timeNanos);
    }
  }

  /** Whether X was seen at a time in [{@code sinceNanos}, {@code beforeNanos}). */
  public boolean seen(String x, long sinceNanos, long beforeNanos) {
    Long at = latestBefore(x, beforeNanos);
    return at != null && at >= sinceNanos;
  }

  /** Every X seen at a time in [{@code sinceNanos}, {@code beforeNanos}), sorted. */
  public List<String> seenBetween(long sinceNanos, long beforeNanos) {
    List<String> out = new ArrayList<>();
    for (String x : last.keySet()) {
      if (seen(x, sinceNanos, beforeNanos)) {
        out.add(x);
      }
    }
    return out;
  }

  private Long latestBefore(String x, long beforeNanos) {
    Long latest = last.get(x);
    if (latest == null) {
      return null;
    }
    if (latest < beforeNanos) {
      return latest;
    }
    Long previous = prior.get(x);
    return previous != null && previous < beforeNanos ? previous : null;
  }

  /** Forgets sightings before {@code horizonNanos}: no question asked from now on looks that far back. */
  public void prune(long horizonNanos) {
    last.values().removeIf(t -> t < horizonNanos);
    prior.values().removeIf(t -> t < horizonNanos);
    prior.keySet().retainAll(last.keySet());
  }

  /** The earliest sighting held (the next thing {@link #prune} can forget), or null. */
  public Long earliest() {
    Long min = null;
    for (Long t : last.values()) {
      min = min == null ? t : Math.min(min, t);
    }
    for (Long t : prior.values()) {
      min = Math.min(min, t);
    }
    return min;
  }

  @JsonIgnore
  public boolean isEmpty() {
    return last.isEmpty();
  }

  /** Distinct X held (for state-size measurements). */
  public int size() {
    return last.size();
  }
}
