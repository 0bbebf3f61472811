package com.gkeaudit.io;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of the messages whose output the runner has committed, per subscription: Pub/Sub redelivers a message whose
 * acknowledgement came too late, and a restarted reader must still recognise it. An id is remembered only once its
 * checkpoint is finalized, never when it is pulled: a reader restored from an earlier checkpoint gets the messages
 * of the lost work again, and those must be read again, not dropped as seen (that was silent loss). A redelivery of
 * a message not yet committed is read again and its entry dropped downstream by identity. Bounded: the oldest ids
 * are forgotten first; a redelivery that old is caught downstream too.
 */
final class RecentMessageIds {
  static final int CAPACITY = 200_000;
  private static final Map<String, RecentMessageIds> PER_SUBSCRIPTION = new ConcurrentHashMap<>();

  private final Map<String, Boolean> ids =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > CAPACITY;
        }
      };

  static RecentMessageIds of(String subscription) {
    return PER_SUBSCRIPTION.computeIfAbsent(subscription, s -> new RecentMessageIds());
  }

  /** Remembers that the output of message {@code id} is committed. */
  synchronized void committed(String id) {
    ids.put(id, Boolean.TRUE);
  }

  /** Whether message {@code id}'s output was committed (so a redelivery of it can be dropped). */
  synchronized boolean wasCommitted(String id) {
    return ids.containsKey(id);
  }
}
