package com.gkeaudit.parse;

import com.gkeaudit.model.ClusterEvent;

/** What one input record became (docs/output.md: exactly one of these). */
public record ParseOutcome(Kind kind, ClusterEvent event, long timeNanos, String reason, String error) {

  public enum Kind {
    EMPTY,
    OTHER_SERVICE,
    CLUSTER_MANAGER,
    DEAD_LETTER
  }

  static final ParseOutcome EMPTY_LINE = new ParseOutcome(Kind.EMPTY, null, 0, null, null);

  static ParseOutcome otherService(long timeNanos) {
    return new ParseOutcome(Kind.OTHER_SERVICE, null, timeNanos, null, null);
  }

  static ParseOutcome clusterManager(ClusterEvent event) {
    return new ParseOutcome(Kind.CLUSTER_MANAGER, event, event.timeNanos(), null, null);
  }

  static ParseOutcome deadLetter(String reason, String error) {
    return new ParseOutcome(Kind.DEAD_LETTER, null, 0, reason, error);
  }

  /** True for the outcomes that are LogEntries and so advance the input's event-time clock. */
  public boolean isLogEntry() {
    return kind == Kind.OTHER_SERVICE || kind == Kind.CLUSTER_MANAGER;
  }
}
