package com.gkeaudit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one place for "seen doing X since T": bounds, ties and pruning. */
class LastSeenTest {

  @Test
  void seenWithinTheHalfOpenSpan() {
    LastSeen seen = new LastSeen();
    seen.record("curl", 100);
    assertTrue(seen.seen("curl", 100, 101), "at the start of the span: inside");
    assertTrue(seen.seen("curl", 0, 101));
    assertFalse(seen.seen("curl", 101, 200), "before the span");
    assertFalse(seen.seen("curl", 0, 100), "at the end of the span: strictly before only");
    assertFalse(seen.seen("gcloud", 0, 200));
  }

  @Test
  void aQuestionAtTheLatestSightingIsAnsweredFromThePreviousOne() {
    LastSeen seen = new LastSeen();
    seen.record("curl", 50);
    seen.record("curl", 100);
    seen.record("curl", 100);
    assertTrue(seen.seen("curl", 40, 100));
    assertFalse(seen.seen("curl", 60, 100));
    assertTrue(seen.seen("curl", 60, 101));
  }

  @Test
  void sizeIsDistinctValuesNotSightings() {
    LastSeen seen = new LastSeen();
    for (long t = 0; t < 10_000; t++) {
      seen.record(t % 2 == 0 ? "terraform" : "gcloud", t);
    }
    assertEquals(2, seen.size());
    assertEquals(List.of("gcloud", "terraform"), seen.seenBetween(0, 10_000));
  }

  @Test
  void pruneForgetsWhatLeftTheLookback() {
    LastSeen seen = new LastSeen();
    seen.record("curl", 10);
    seen.record("curl", 20);
    seen.record("gcloud", 30);
    seen.prune(25);
    assertEquals(List.of("gcloud"), seen.seenBetween(0, 100));
    assertEquals(30L, seen.earliest());
    seen.prune(31);
    assertTrue(seen.isEmpty());
    assertEquals(null, seen.earliest());
  }
}
