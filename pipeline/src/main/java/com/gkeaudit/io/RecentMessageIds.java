package com.gkeaudit.io;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of the messages a worker has recently handed over, per subscription: Pub/Sub redelivers a message whose
 * acknowledgement came too late, and a restarted reader must still recognise it. Bounded: the oldest ids are forgotten
 * first; a redelivery that old is caught downstream by the entry's identity.
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

  /** Whether {@code id} is new; remembers it. */
  synchronized boolean firstSighting(String id) {
    return ids.put(id, Boolean.TRUE) == null;
  }
}
