package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.sameInstance;

import org.junit.jupiter.api.Test;

class RecentMessageIdsTest {
  @Test
  void aCommittedIdIsRecognisedAcrossReadersOfTheSameSubscription() {
    RecentMessageIds first = RecentMessageIds.of("projects/p/subscriptions/redelivery");
    first.committed("m-1");
    // A restarted reader gets the same memory.
    RecentMessageIds restarted = RecentMessageIds.of("projects/p/subscriptions/redelivery");
    assertThat(restarted, is(sameInstance(first)));
    assertThat(restarted.wasCommitted("m-1"), is(true));
    assertThat(RecentMessageIds.of("projects/p/subscriptions/other").wasCommitted("m-1"), is(false));
  }

  @Test
  void aMessageReadButNotCommittedIsNotDroppedWhenItComesBack() {
    // Issue 12's silent loss: an id was remembered when pulled, so after a reader restore (its uncommitted work
    // lost) the redelivered copy was dropped as seen. Only a finalized checkpoint marks an id now.
    RecentMessageIds ids = RecentMessageIds.of("projects/p/subscriptions/restore");
    assertThat(ids.wasCommitted("m-7"), is(false));
    assertThat(ids.wasCommitted("m-7"), is(false));
    ids.committed("m-7");
    assertThat(ids.wasCommitted("m-7"), is(true));
  }

  @Test
  void theOldestIdsAreForgottenFirst() {
    RecentMessageIds ids = RecentMessageIds.of("projects/p/subscriptions/bounded");
    for (int i = 0; i <= RecentMessageIds.CAPACITY; i++) {
      ids.committed("m-" + i);
    }
    assertThat(ids.wasCommitted("m-" + RecentMessageIds.CAPACITY), is(true));
    assertThat("the first id was evicted", ids.wasCommitted("m-0"), is(false));
  }
}
