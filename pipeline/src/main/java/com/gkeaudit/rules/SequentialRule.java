package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.io.Serializable;
import java.util.Comparator;
import java.util.function.Consumer;

/**
 * A rule over one key's events (a cluster's, a principal's, an operation's) that sees them strictly in event-time
 * order, with ties broken by insertId. Its memory is a plain state object the runner stores between calls, so the
 * rule itself is pure and testable without Beam.
 *
 * @param <S> the rule's state: a mutable class with public fields and a no-argument constructor (stored as JSON)
 */
public interface SequentialRule<S> extends Serializable {
  /** The order a rule sees its key's events in: event time, then insertId, then logName. */
  Comparator<ClusterEvent> EVENT_ORDER =
      Comparator.comparingLong(ClusterEvent::timeNanos)
          .thenComparing(ClusterEvent::insertId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(ClusterEvent::logName, Comparator.nullsFirst(Comparator.naturalOrder()));

  /** The key this rule groups by, or null when the event does not concern it. */
  String keyOf(ClusterEvent event);

  Class<S> stateClass();

  /** A fresh state: the state class's no-argument constructor (written once here rather than in every rule). */
  default S newState() {
    try {
      return stateClass().getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(stateClass().getName() + " needs a public no-argument constructor", e);
    }
  }

  void onEvent(S state, ClusterEvent event, Consumer<Finding> out);

  /** The earliest pending deadline (epoch nanos), or null. */
  default Long nextDeadline(S state) {
    return null;
  }

  /** Called once the input has reached {@code deadlineNanos}; must retire that deadline. */
  default void onDeadline(S state, long deadlineNanos, Consumer<Finding> out) {}

  /** True when the state holds nothing worth keeping, so the runner can clear it. */
  boolean isEmpty(S state);
}
