package com.gkeaudit.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The event-time watermark of a stream read from Pub/Sub, estimated from what the reader has seen, never from the wall
 * clock's date (the clock only tells fresh entries from a backlog):
 * <ul>
 *   <li>It holds while a backlog drains: from when input starts flowing until pulls have found the subscription
 *       empty (for a while, where one empty answer proves nothing), so a replayed backlog in any order is read
 *       before anything is released. Live traffic is caught up sooner: once, for the catch-up span, every entry
 *       read was fresh (its event time at most that span behind the reader's clock) and the latest pull found the
 *       subscription empty, the reader is keeping up with a live sink, and no backlog is waiting (a replay of older
 *       entries is never fresh). (A subscription so busy that neither ever happens is treated as caught up after
 *       {@link #BACKLOG_SPANS} idle spans.)
 *   <li>Once caught up, while entries keep flowing, it is the oldest event time read during the last {@code idle}
 *       span (at most {@link #MAX_RECENT_MILLIS}), minus the allowed lateness: a live sink delivers roughly in order,
 *       with stragglers, and the stateful rules hold the allowed lateness on top of it, so a longer span would only
 *       delay their findings.
 *   <li>Once nothing has been read for {@code idle}, it moves to just past the newest event time read, so a quiet
 *       stream releases everything it has seen and nothing beyond it (docs/rules.md: a deadline passes only once a later
 *       entry has been seen).
 * </ul>
 * An entry older than the watermark when it is read is late.
 *
 * <p>Against a subscription ({@code catchUpMillis} above zero) an empty pull proves less than a file listing does,
 * so both "nothing left" and "nothing read for {@code idle}" must be seen by pulls: see {@link #onEmptyPull(long)}
 * and {@link #quiet}.
 *
 * <p>Everything is kept in {@link Snapshot}s that travel in the source's checkpoints: a runner may close a reader
 * and resume from its checkpoint at any time (the DirectRunner does so at random), and Beam's own Pub/Sub reader
 * loses its idle state that way, so its watermark stalls after a backlog.
 */
final class InputWatermark {
  /** Nothing read yet: Beam's minimum timestamp. */
  static final long NONE = org.apache.beam.sdk.transforms.windowing.BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();

  private static final long BUCKET_MILLIS = 1_000;
  static final int BACKLOG_SPANS = 10;
  /** Longest span of recent reads whose oldest event time is the watermark while input flows. */
  static final long MAX_RECENT_MILLIS = 10_000;

  private final long idleMillis;
  private final long recentMillis;
  private final long latenessMillis;
  /**
   * How long pulls must keep finding nothing before the backlog counts as read ({@code 0}: the first empty pull
   * says so). Pub/Sub may answer a {@code returnImmediately} pull empty while messages wait, and a publisher still
   * replaying a backlog pauses between its requests; one empty pull proves neither.
   */
  private final long catchUpMillis;
  private long watermark;
  private long newest;
  private long lastReadWall;
  /** Wall time of the first read since input was last idle. */
  private long flowingSinceWall;
  /** Whether a pull has found nothing left since input started flowing. */
  private boolean caughtUp;
  /** Wall time of the first of the latest run of empty pulls, or -1 when the latest pull read something. */
  private long emptySinceWall;
  /** Wall time of the latest empty pull of that run, or -1. */
  private long lastEmptyWall;
  /** Wall time of the latest read whose event time was more than the catch-up span behind it (not live), or -1. */
  private long staleReadWall;
  /** Wall-clock second -> oldest event time read in it, over the last {@code idle} span. */
  private final TreeMap<Long, Long> recent;

  /** The estimator's state, as carried by a checkpoint. */
  record Snapshot(
      long watermark, long newest, long lastReadWall, long flowingSinceWall, boolean caughtUp,
      Map<Long, Long> recent, long emptySinceWall, long lastEmptyWall, long staleReadWall) {
    Snapshot(
        long watermark, long newest, long lastReadWall, long flowingSinceWall, boolean caughtUp,
        Map<Long, Long> recent, long emptySinceWall, long lastEmptyWall) {
      this(watermark, newest, lastReadWall, flowingSinceWall, caughtUp, recent, emptySinceWall, lastEmptyWall, -1);
    }

    Snapshot(
        long watermark, long newest, long lastReadWall, long flowingSinceWall, boolean caughtUp,
        Map<Long, Long> recent) {
      this(watermark, newest, lastReadWall, flowingSinceWall, caughtUp, recent, -1, -1);
    }

    static Snapshot initial() {
      return new Snapshot(NONE, NONE, -1, -1, false, Map.of(), -1, -1, -1);
    }
  }

  /** An estimator for which one empty pull (an exact listing, as of watched files) means the backlog is read. */
  InputWatermark(long idleMillis, long latenessMillis, Snapshot from) {
    this(idleMillis, latenessMillis, 0, from);
  }

  /**
   * @param catchUpMillis how long pulls must keep coming back empty before the backlog counts as read; below
   *     {@code idleMillis} (past that the idle rule moves the watermark anyway)
   */
  InputWatermark(long idleMillis, long latenessMillis, long catchUpMillis, Snapshot from) {
    this.idleMillis = idleMillis;
    this.recentMillis = Math.min(idleMillis, MAX_RECENT_MILLIS);
    this.latenessMillis = latenessMillis;
    this.catchUpMillis = catchUpMillis;
    this.emptySinceWall = from.emptySinceWall();
    this.lastEmptyWall = from.lastEmptyWall();
    this.staleReadWall = from.staleReadWall();
    this.watermark = from.watermark();
    this.newest = from.newest();
    this.lastReadWall = from.lastReadWall();
    this.flowingSinceWall = from.flowingSinceWall();
    this.caughtUp = from.caughtUp();
    this.recent = new TreeMap<>(from.recent());
  }

  /** Records an entry read at {@code wallMillis}; returns whether it is late (older than the watermark). */
  boolean onRead(long eventMillis, long wallMillis) {
    boolean late = eventMillis < watermark;
    if (lastReadWall < 0 || wallMillis - lastReadWall >= idleMillis) {
      flowingSinceWall = wallMillis;
      caughtUp = false;
    }
    newest = Math.max(newest, eventMillis);
    if (wallMillis - eventMillis > catchUpMillis) {
      staleReadWall = Math.max(staleReadWall, wallMillis);
    }
    emptySinceWall = -1;
    lastEmptyWall = -1;
    lastReadWall = Math.max(lastReadWall, wallMillis);
    recent.merge(Math.floorDiv(wallMillis, BUCKET_MILLIS), eventMillis, Math::min);
    return late;
  }

  /**
   * Where to place an entry with no event time of its own (it is bound for its dead letter): at the watermark, so it
   * is not late and moves nothing; before anything was read, at {@code fallbackMillis} (a publish or file time).
   */
  static long placeUntimed(long watermarkBefore, long fallbackMillis) {
    return watermarkBefore == NONE ? fallbackMillis : watermarkBefore;
  }

  /** A pull found the input empty, and that is exact (a file listing): everything published so far has been read. */
  void onEmptyPull() {
    caughtUp = true;
  }

  /**
   * A pull at {@code wallMillis} found the subscription empty. The backlog counts as read once pulls have kept
   * finding nothing, with no read in between, for {@code catchUpMillis}: a single empty answer may be Pub/Sub's
   * (which may answer a {@code returnImmediately} pull empty while messages wait) or a publisher's pause.
   */
  void onEmptyPull(long wallMillis) {
    if (emptySinceWall < 0) {
      emptySinceWall = wallMillis;
    }
    lastEmptyWall = Math.max(lastEmptyWall, wallMillis);
    if (wallMillis - emptySinceWall >= catchUpMillis || keepingUpWithLiveInput(wallMillis)) {
      caughtUp = true;
    }
  }

  /**
   * Whether the reader keeps up with a live sink (this pull found the subscription empty): input has flowed for the
   * catch-up span, every entry read in that span was fresh, and so was the latest. Steady live traffic may never
   * leave the subscription empty for a whole catch-up span, and would otherwise hold the watermark for
   * {@link #BACKLOG_SPANS} idle spans.
   */
  private boolean keepingUpWithLiveInput(long wallMillis) {
    return lastReadWall >= 0
        && staleReadWall < lastReadWall
        && wallMillis - flowingSinceWall >= catchUpMillis
        && wallMillis - staleReadWall >= catchUpMillis;
  }

  /** The watermark at {@code wallMillis}; it never goes back. */
  long watermark(long wallMillis) {
    recent.headMap(Math.floorDiv(wallMillis - recentMillis, BUCKET_MILLIS), false).clear();
    if (quiet(wallMillis)) {
      recent.clear();
      watermark = Math.max(watermark, newest + 1);
    } else if (!recent.isEmpty()
        && (caughtUp || wallMillis - flowingSinceWall >= BACKLOG_SPANS * idleMillis)) {
      long oldestRecent = recent.values().stream().mapToLong(Long::longValue).min().getAsLong();
      watermark = Math.max(watermark, oldestRecent - latenessMillis);
    }
    return watermark;
  }

  /**
   * Whether input has been quiet for the idle span. Where an empty pull is exact (a file listing), nothing read for
   * that long is enough. Against a subscription it is not: a busy runner may not call the reader for seconds while
   * messages wait, so the span must be seen by pulls: an empty pull at least {@code idle} after the last read, with
   * nothing read since.
   */
  private boolean quiet(long wallMillis) {
    if (lastReadWall < 0) {
      return false;
    }
    if (catchUpMillis == 0) {
      return wallMillis - lastReadWall >= idleMillis;
    }
    return emptySinceWall >= 0 && lastEmptyWall - lastReadWall >= idleMillis;
  }

  Snapshot snapshot() {
    return new Snapshot(
        watermark, newest, lastReadWall, flowingSinceWall, caughtUp, Map.copyOf(recent), emptySinceWall,
        lastEmptyWall, staleReadWall);
  }

  /** Encodes a {@link Snapshot} inside a source's checkpoint. */
  static final class SnapshotCoder extends AtomicCoder<Snapshot> {
    static final SnapshotCoder INSTANCE = new SnapshotCoder();
    private static final MapCoder<Long, Long> RECENT = MapCoder.of(VarLongCoder.of(), VarLongCoder.of());

    @Override
    public void encode(Snapshot s, OutputStream out) throws IOException {
      for (long value : new long[] {s.watermark(), s.newest(), s.lastReadWall(), s.flowingSinceWall()}) {
        VarLongCoder.of().encode(value, out);
      }
      BooleanCoder.of().encode(s.caughtUp(), out);
      RECENT.encode(new TreeMap<>(s.recent()), out);
      // Since checkpoint layout 2. -1 (no empty run) as a signed varint: VarLongCoder takes any long.
      VarLongCoder.of().encode(s.emptySinceWall(), out);
      VarLongCoder.of().encode(s.lastEmptyWall(), out);
      // Since checkpoint layout 3.
      VarLongCoder.of().encode(s.staleReadWall(), out);
    }

    @Override
    public Snapshot decode(InputStream in) throws IOException {
      return decode(in, CheckpointVersion.CURRENT);
    }

    /**
     * Decodes a snapshot written in checkpoint layout {@code version} (1 had no run of empty pulls, 2 no stale read:
     * such a snapshot counts every earlier read as stale, so it is caught up only the way it was when written).
     */
    Snapshot decode(InputStream in, int version) throws IOException {
      long[] values = new long[4];
      for (int i = 0; i < values.length; i++) {
        values[i] = VarLongCoder.of().decode(in);
      }
      boolean caughtUp = BooleanCoder.of().decode(in);
      Map<Long, Long> recent = RECENT.decode(in);
      long emptySince = version >= 2 ? VarLongCoder.of().decode(in) : -1;
      long lastEmpty = version >= 2 ? VarLongCoder.of().decode(in) : -1;
      long staleRead = version >= 3 ? VarLongCoder.of().decode(in) : values[2];
      return new Snapshot(
          values[0], values[1], values[2], values[3], caughtUp, recent, emptySince, lastEmpty, staleRead);
    }
  }
}
