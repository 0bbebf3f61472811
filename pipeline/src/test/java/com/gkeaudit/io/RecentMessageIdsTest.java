package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.sameInstance;

import org.junit.jupiter.api.Test;

class RecentMessageIdsTest {
  @Test
  void aRedeliveredIdIsRecognisedAcrossReadersOfTheSameSubscription() {
    RecentMessageIds first = RecentMessageIds.of("projects/p/subscriptions/redelivery");
    assertThat(first.firstSighting("m-1"), is(true));
    // A restarted reader gets the same memory.
    RecentMessageIds restarted = RecentMessageIds.of("projects/p/subscriptions/redelivery");
    assertThat(restarted, is(sameInstance(first)));
    assertThat(restarted.firstSighting("m-1"), is(false));
    assertThat(RecentMessageIds.of("projects/p/subscriptions/other").firstSighting("m-1"), is(true));
  }

  @Test
  void theOldestIdsAreForgottenFirst() {
    RecentMessageIds ids = RecentMessageIds.of("projects/p/subscriptions/bounded");
    for (int i = 0; i <= RecentMessageIds.CAPACITY; i++) {
      ids.firstSighting("m-" + i);
    }
    assertThat(ids.firstSighting("m-" + RecentMessageIds.CAPACITY), is(false));
    assertThat("the first id was evicted", ids.firstSighting("m-0"), is(true));
  }
}
