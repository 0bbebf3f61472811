package com.gkeaudit.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * A line decided at planning time (ClusterManager entries, special k8s.io entries, bad and blank lines), placed into
 * the hourly file of its log by {@link #sortNanos}. The bulk k8s.io lines are not planned; the writers render them.
 */
final class PlannedLine {
  enum Kind { CM, K8S, BAD }

  static final int DUP_NONE = 0;
  /** A second copy a few lines later in the same S0 file. */
  static final int DUP_SAME_FILE = 1;
  /** A second copy in the hour's late-arrival shard (A0). */
  static final int DUP_LATE_SHARD = 2;

  final Kind kind;
  final boolean activity;
  final long sortNanos;
  final byte[] bytes;
  final String insertId;
  /** Event time (timestamp, else receiveTimestamp) for parseable lines; Long.MIN_VALUE for bad lines. */
  final long eventNanos;
  boolean late;
  int dup = DUP_NONE;
  /** Blank or whitespace-only lines written just before this line (never at the end of a file). */
  final List<byte[]> blanksBefore = new ArrayList<>(0);
  /** Human note for expected.json's transport section; null when unremarkable. */
  String note;

  PlannedLine(Kind kind, boolean activity, long sortNanos, byte[] bytes, String insertId, long eventNanos) {
    this.kind = kind;
    this.activity = activity;
    this.sortNanos = sortNanos;
    this.bytes = bytes;
    this.insertId = insertId;
    this.eventNanos = eventNanos;
  }
}
