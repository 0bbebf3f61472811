package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link InputWatermark} with explicit wall-clock readings (epoch millis): {@link #IDLE} of 10 s, {@link #LATENESS}
 * of 60 s, input starting to flow at wall time {@link #W0}. Event times are offsets from {@link #E0}.
 */
class InputWatermarkTest {
  private static final long IDLE = 10_000;
  private static final long LATENESS = 60_000;
  private static final long W0 = 1_800_000_000_000L;
  private static final long E0 = 1_700_000_000_000L;
  private static final long NONE = InputWatermark.NONE;

  private static InputWatermark fresh() {
    return new InputWatermark(IDLE, LATENESS, InputWatermark.Snapshot.initial());
  }

  private static long event(long seconds) {
    return E0 + seconds * 1_000;
  }

  /** A backlog of five entries, newest first and oldest in the middle, read within one second of {@link #W0}. */
  private static InputWatermark shuffledBurst() {
    InputWatermark w = fresh();
    long[] events = {event(500), event(100), event(0), event(300), event(200)};
    for (int i = 0; i < events.length; i++) {
      assertThat(w.onRead(events[i], W0 + 200 * i), is(false));
    }
    return w;
  }

  @Test
  void nothingReadMeansNoWatermark() {
    InputWatermark w = fresh();
    assertThat(w.watermark(W0), is(NONE));
    assertThat(w.watermark(W0 + IDLE + 500), is(NONE));
  }

  @Test
  void holdsWhileABacklogDrainsEvenForLongerThanIdle() {
    InputWatermark w = shuffledBurst();
    assertThat(w.watermark(W0 + 800), is(NONE));
    // Still reading (one entry a second) and no pull has come back empty: nothing is released, however long.
    for (long wall = W0 + 1_000; wall < W0 + 3 * IDLE; wall += 1_000) {
      w.onRead(event(600), wall);
      assertThat(w.watermark(wall), is(NONE));
    }
  }

  @Test
  void aSubscriptionThatNeverEmptiesCountsAsCaughtUpAfterTenIdleSpans() {
    InputWatermark w = shuffledBurst();
    long end = W0 + InputWatermark.BACKLOG_SPANS * IDLE;
    for (long wall = W0 + 1_000; wall <= end; wall += 1_000) {
      w.onRead(event(600), wall);
    }
    assertThat(w.watermark(end - 1), is(NONE));
    assertThat(w.watermark(end), is(event(600) - LATENESS));
  }

  @Test
  void onceCaughtUpFollowsTheOldestRecentEventMinusLateness() {
    InputWatermark w = shuffledBurst();
    w.onEmptyPull();
    assertThat(w.watermark(W0 + 1_000), is(event(0) - LATENESS));
  }

  @Test
  void movesToJustPastTheNewestEventTimeOnceIdle() {
    InputWatermark w = shuffledBurst();
    long lastRead = W0 + 800;
    // Just before: not yet idle, and no pull has found the subscription empty: still draining.
    assertThat(w.watermark(lastRead + IDLE - 1), is(NONE));
    assertThat(w.watermark(lastRead + IDLE), is(event(500) + 1));
    // And stays there while the subscription stays quiet.
    assertThat(w.watermark(lastRead + 100 * IDLE), is(event(500) + 1));
  }

  @Test
  void whileFlowingLongerThanIdleFollowsTheOldestRecentEventMinusLateness() {
    InputWatermark w = fresh();
    // One entry a second for 30 s, each a second newer than the one before; the reader keeps up.
    for (int i = 0; i <= 30; i++) {
      w.onRead(event(i), W0 + i * 1_000L);
      w.onEmptyPull();
    }
    // The last idle span holds the reads of wall seconds 20..30; the oldest of them is event(20).
    assertThat(w.watermark(W0 + 30_000), is(event(20) - LATENESS));

    // A straggler read now pulls the estimate down, but the watermark never goes back.
    w.onRead(event(5), W0 + 30_500);
    assertThat(w.watermark(W0 + 30_500), is(event(20) - LATENESS));

    // Reading goes on; once the straggler's second leaves the idle span, the oldest recent entry leads again.
    for (int i = 31; i <= 41; i++) {
      w.onRead(event(i), W0 + i * 1_000L);
    }
    assertThat(w.watermark(W0 + 41_000), is(event(31) - LATENESS));
  }

  @Test
  void neverGoesBack() {
    InputWatermark w = shuffledBurst();
    long quietAt = W0 + 800 + IDLE;
    long released = event(500) + 1;
    assertThat(w.watermark(quietAt), is(released));

    // Input flows again, all of it older than the watermark, for longer than idle: oldest-minus-lateness is far
    // behind, and the watermark stays where it was.
    List<Boolean> late = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      late.add(w.onRead(event(i), quietAt + i * 1_000L));
      assertThat(w.watermark(quietAt + i * 1_000L), is(released));
    }
    assertThat(late.stream().allMatch(b -> b), is(true));
    // Quiet again: newest + 1 is what it already was.
    assertThat(w.watermark(quietAt + 25_000 + IDLE), is(released));
    // A wall clock that steps back does not move it back either.
    assertThat(w.watermark(W0), is(released));
  }

  @Test
  void aReadOlderThanTheWatermarkIsLateAndOneAtItIsNot() {
    InputWatermark w = shuffledBurst();
    long watermark = w.watermark(W0 + 800 + IDLE);
    assertThat(watermark, is(event(500) + 1));

    long wall = W0 + 800 + IDLE + 1;
    assertThat(w.onRead(watermark - 1, wall), is(true));
    assertThat(w.onRead(watermark, wall), is(false));
    assertThat(w.onRead(watermark + 60_000, wall), is(false));
  }

  @Test
  void aLateReadStillCountsAsInputFlowing() {
    InputWatermark w = shuffledBurst();
    long quietAt = W0 + 800 + IDLE;
    w.watermark(quietAt);
    // A late entry starts a new flow: a new backlog may follow, so the watermark holds where it was until input is
    // idle again, counted from the last read.
    assertThat(w.onRead(event(1), quietAt), is(true));
    w.onRead(event(900), quietAt + 1_000);
    assertThat(w.watermark(quietAt + 1_000 + IDLE - 1), is(event(500) + 1));
    assertThat(w.watermark(quietAt + 1_000 + IDLE), is(event(900) + 1));
  }

  /** The same reads and watermark queries, applied to {@code w} from {@code fromWall} on; the answers in order. */
  private static List<Long> script(InputWatermark w, long fromWall) {
    List<Long> answers = new ArrayList<>();
    long[][] reads = {
      {event(700), fromWall}, {event(650), fromWall + 2_000}, {event(720), fromWall + 4_000},
      {event(400), fromWall + 6_000}, {event(800), fromWall + 15_000}, {event(810), fromWall + 16_000},
    };
    for (long[] read : reads) {
      answers.add(w.onRead(read[0], read[1]) ? 1L : 0L);
      answers.add(w.watermark(read[1]));
      if (read[0] == event(720)) {
        w.onEmptyPull(); // caught up for a while: the estimate follows the recent reads
      }
    }
    for (long wall = fromWall + 16_000; wall <= fromWall + 40_000; wall += 1_000) {
      answers.add(w.watermark(wall));
    }
    return answers;
  }

  @Test
  void resumedFromASnapshotAnswersExactlyAsTheOriginal() {
    InputWatermark original = shuffledBurst();
    original.watermark(W0 + 5_000);
    // The reader is closed mid-span and a new one is built from the checkpoint, as runners do at any time.
    InputWatermark resumed = new InputWatermark(IDLE, LATENESS, original.snapshot());

    List<Long> expected = script(original, W0 + 5_000);
    assertThat(script(resumed, W0 + 5_000), is(expected));
    // The script is not trivial: the watermark moved, and some read was late.
    assertThat(expected.stream().distinct().count() > 3, is(true));
  }

  @Test
  void restartAfterABacklogStillReleasesItOnceIdle() {
    // Beam's PubsubIO reader lost its idle state on a restart, so its watermark stalled after a backlog. Here the
    // reader that read the backlog is gone; a new one resumed from its checkpoint reads nothing more.
    InputWatermark reader = shuffledBurst();
    InputWatermark.Snapshot checkpoint = reader.snapshot();

    InputWatermark resumed = new InputWatermark(IDLE, LATENESS, checkpoint);
    assertThat(resumed.watermark(W0 + IDLE - 1), is(NONE));
    assertThat(resumed.watermark(W0 + 800 + IDLE), is(event(500) + 1));
  }

  @Test
  void aRestartKeepsWhetherTheBacklogWasDrained() {
    InputWatermark drained = shuffledBurst();
    drained.onEmptyPull();
    assertThat(new InputWatermark(IDLE, LATENESS, drained.snapshot()).watermark(W0 + 1_000), is(event(0) - LATENESS));

    // Still draining at the restart: the ten-span bound counts from when input first flowed, not from the restart.
    InputWatermark resumed = new InputWatermark(IDLE, LATENESS, shuffledBurst().snapshot());
    long end = W0 + InputWatermark.BACKLOG_SPANS * IDLE;
    for (long wall = W0 + 1_000; wall <= end; wall += 1_000) {
      resumed.onRead(event(600), wall);
    }
    assertThat(resumed.watermark(end), is(event(600) - LATENESS));
  }

  @Test
  void snapshotOfAQuietEstimatorResumesAtItsWatermark() {
    InputWatermark reader = shuffledBurst();
    long released = reader.watermark(W0 + 800 + IDLE);
    InputWatermark resumed = new InputWatermark(IDLE, LATENESS, reader.snapshot());
    assertThat(resumed.watermark(W0 + 800 + IDLE), is(released));
    assertThat(resumed.onRead(event(499), W0 + 900 + IDLE), is(true));
  }

  @Test
  void oneEmptyPullIsNotCaughtUpOnlyARunOfThemSpanningTheCatchUpTime() {
    long catchUp = IDLE / 2;
    InputWatermark w = new InputWatermark(IDLE, LATENESS, catchUp, InputWatermark.Snapshot.initial());
    w.onRead(event(500), W0);
    w.onRead(event(0), W0 + 200);
    // Pub/Sub answered one returnImmediately pull empty: messages may still be waiting.
    w.onEmptyPull(W0 + 300);
    assertThat(w.watermark(W0 + 400), is(NONE));
    // More of the backlog arrives: the run of empty pulls starts over.
    w.onRead(event(100), W0 + 1_000);
    w.onEmptyPull(W0 + 1_100);
    w.onEmptyPull(W0 + 1_100 + catchUp - 1);
    assertThat(w.watermark(W0 + 1_100 + catchUp - 1), is(NONE));
    // Empty for the whole catch-up time (the run survives a checkpoint): caught up, well before the idle span.
    InputWatermark resumed = new InputWatermark(IDLE, LATENESS, catchUp, w.snapshot());
    resumed.onEmptyPull(W0 + 1_100 + catchUp);
    assertThat(resumed.watermark(W0 + 1_100 + catchUp), is(event(0) - LATENESS));
  }

  @Test
  void aLayoutOneSnapshotStillDecodes() throws Exception {
    InputWatermark w = shuffledBurst();
    w.onEmptyPull(W0 + 900);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    InputWatermark.SnapshotCoder.INSTANCE.encode(w.snapshot(), out);
    byte[] current = out.toByteArray();
    // Layout 2 is layout 3 without the trailing varint of the latest stale read (the last read here: W0 + 800);
    // layout 1 is layout 2 without the two before it (the empty run's first and last pull).
    java.io.ByteArrayOutputStream staleTail = new java.io.ByteArrayOutputStream();
    org.apache.beam.sdk.coders.VarLongCoder.of().encode(W0 + 800, staleTail);
    java.io.ByteArrayOutputStream emptyRunTail = new java.io.ByteArrayOutputStream();
    org.apache.beam.sdk.coders.VarLongCoder.of().encode(W0 + 900, emptyRunTail);
    org.apache.beam.sdk.coders.VarLongCoder.of().encode(W0 + 900, emptyRunTail);
    byte[] layoutTwo = java.util.Arrays.copyOf(current, current.length - staleTail.size());
    byte[] layoutOne = java.util.Arrays.copyOf(layoutTwo, layoutTwo.length - emptyRunTail.size());
    InputWatermark.Snapshot decoded =
        InputWatermark.SnapshotCoder.INSTANCE.decode(new java.io.ByteArrayInputStream(layoutOne), 1);
    assertThat(decoded.emptySinceWall(), is(-1L));
    assertThat(decoded.newest(), is(w.snapshot().newest()));
    assertThat(decoded.recent(), is(w.snapshot().recent()));
    InputWatermark.Snapshot decodedTwo =
        InputWatermark.SnapshotCoder.INSTANCE.decode(new java.io.ByteArrayInputStream(layoutTwo), 2);
    assertThat(decodedTwo.emptySinceWall(), is(W0 + 900));
    assertThat("an older layout counts every read it saw as stale", decodedTwo.staleReadWall(), is(W0 + 800));
    assertThat(
        InputWatermark.SnapshotCoder.INSTANCE.decode(new java.io.ByteArrayInputStream(current)), is(w.snapshot()));
  }

  @Test
  void againstASubscriptionQuietMeansPullsFoundNothingForTheIdleSpanNotThatNoPullWasMade() {
    InputWatermark w = new InputWatermark(IDLE, LATENESS, IDLE / 2, InputWatermark.Snapshot.initial());
    w.onRead(event(500), W0);
    w.onRead(event(0), W0 + 200);
    // The runner is busy and does not call the reader for a long time: messages may be waiting, nothing moves.
    assertThat(w.watermark(W0 + IDLE + 500), is(NONE));
    // Pulls come back empty, but not yet for the idle span after the last read: caught up, not quiet.
    w.onEmptyPull(W0 + 200);
    w.onEmptyPull(W0 + 200 + IDLE - 1);
    assertThat(w.watermark(W0 + 200 + IDLE - 1), is(event(0) - LATENESS));
    w.onEmptyPull(W0 + 200 + IDLE);
    assertThat(w.watermark(W0 + 200 + IDLE), is(event(500) + 1));
  }

  /**
   * Steady live traffic (entries a second old, every pull draining the subscription) may never leave the subscription
   * empty for a whole catch-up span; reading only fresh entries for that span says the reader keeps up with the sink.
   */
  @Test
  void steadyLiveTrafficIsCaughtUpAfterACatchUpSpanOfFreshReads() {
    long catchUp = IDLE / 2;
    InputWatermark w = new InputWatermark(IDLE, 0, catchUp, InputWatermark.Snapshot.initial());
    long wall = W0;
    for (; wall < W0 + catchUp; wall += 100) {
      w.onRead(wall - 1_000, wall);
      w.onEmptyPull(wall + 10);
      assertThat(w.watermark(wall + 10), is(NONE));
    }
    w.onRead(wall - 1_000, wall);
    w.onEmptyPull(wall + 10);
    assertThat("the oldest event read in the idle span", w.watermark(wall + 10), is(W0 - 1_000));
  }

  /** A replay of older entries is never fresh: a reader that drains it between two publishes is not caught up. */
  @Test
  void aReplayOfOlderEntriesIsNotCaughtUpByKeepingPace() {
    InputWatermark w = new InputWatermark(IDLE, 0, IDLE / 2, InputWatermark.Snapshot.initial());
    for (long wall = W0; wall < W0 + 3 * IDLE; wall += 100) {
      w.onRead(event(wall % 7), wall);
      w.onEmptyPull(wall + 10);
      assertThat(w.watermark(wall + 10), is(NONE));
    }
  }

  /** One stale read (a backlog message, a straggler older than the span) starts the span of fresh reads over. */
  @Test
  void aStaleReadStartsTheSpanOfFreshReadsOver() {
    long catchUp = IDLE / 2;
    InputWatermark w = new InputWatermark(IDLE, 0, catchUp, InputWatermark.Snapshot.initial());
    w.onRead(W0 - 1_000, W0);
    w.onRead(W0 - 60_000, W0 + 3_000);
    w.onEmptyPull(W0 + 5_000);
    assertThat(w.watermark(W0 + 5_000), is(NONE));
    w.onRead(W0 + 7_000, W0 + 7_500);
    w.onEmptyPull(W0 + 3_000 + catchUp - 1);
    assertThat(w.watermark(W0 + 3_000 + catchUp - 1), is(NONE));
    w.onRead(W0 + 7_900, W0 + 3_000 + catchUp);
    w.onEmptyPull(W0 + 3_000 + catchUp);
    assertThat(w.watermark(W0 + 3_000 + catchUp), is(W0 - 60_000));
  }

  /**
   * With the default 30 s idle span, the watermark of a flowing stream still follows only the last 10 s of reads: the
   * stateful rules hold the allowed lateness on top of it, and a longer span would only delay their findings.
   */
  @Test
  void whileFlowingTheWatermarkFollowsAtMostTheLastTenSecondsOfReads() {
    InputWatermark w = new InputWatermark(30_000, 0, 15_000, InputWatermark.Snapshot.initial());
    for (long second = 0; second <= 40; second++) {
      w.onRead(W0 + (second - 1) * 1_000, W0 + second * 1_000);
      w.onEmptyPull(W0 + second * 1_000 + 10);
    }
    assertThat(w.watermark(W0 + 40_010), is(W0 + 29_000));
  }
}
