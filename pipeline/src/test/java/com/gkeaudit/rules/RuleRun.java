package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.transforms.DetectFindings;
import com.gkeaudit.transforms.JsonCoder;
import com.gkeaudit.transforms.OrderedRuleFn;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs rules without Beam, in the order {@link OrderedRuleFn} gives them: each key's events sorted by
 * {@link SequentialRule#EVENT_ORDER}; deadlines strictly before an event's time fire before it (a deadline at exactly an
 * event's time fires after it); then every deadline up to {@code endNanos}. Between events the rule state goes
 * through the coder the runner stores it with, and an empty state is dropped as the runner drops it.
 */
public final class RuleRun {
  private RuleRun() {}

  /** As in batch, where the watermark reaches +infinity: every deadline fires. */
  public static <S> List<Finding> sequential(SequentialRule<S> rule, Collection<ClusterEvent> events) {
    return sequential(rule, events, Long.MAX_VALUE);
  }

  public static <S> List<Finding> sequential(SequentialRule<S> rule, Collection<ClusterEvent> events, long endNanos) {
    Map<String, List<ClusterEvent>> byKey = new TreeMap<>();
    for (ClusterEvent event : events) {
      String key = rule.keyOf(event);
      if (key != null) {
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
      }
    }
    JsonCoder<S> stateCoder = JsonCoder.of(rule.stateClass());
    List<Finding> out = new ArrayList<>();
    for (List<ClusterEvent> keyEvents : byKey.values()) {
      keyEvents.sort(SequentialRule.EVENT_ORDER);
      S state = rule.newState();
      for (ClusterEvent event : keyEvents) {
        fireDeadlines(rule, state, event.timeNanos() - 1, out);
        rule.onEvent(state, event, out::add);
        state = rule.isEmpty(state) ? rule.newState() : roundTrip(stateCoder, state);
      }
      fireDeadlines(rule, state, endNanos, out);
    }
    return out;
  }

  /** The single-entry rules, applied to each event. */
  public static List<Finding> perEvent(RuleConfig config, Collection<ClusterEvent> events) {
    List<SingleEntryRule> rules = SingleEntryRule.all(config);
    List<Finding> out = new ArrayList<>();
    for (ClusterEvent event : events) {
      rules.forEach(rule -> rule.evaluate(event, out::add));
    }
    return out;
  }

  /**
   * The whole catalogue as {@link DetectFindings} runs it, with the end-of-input gate at {@code clockNanos} (the
   * highest event time of the input, any service): the reference in-order result.
   */
  public static List<Finding> catalogue(RuleConfig config, Collection<ClusterEvent> events, long clockNanos) {
    List<Finding> out = new ArrayList<>(perEvent(config, events));
    for (Finding rotation : sequential(new RotationRule(config), events)) {
      if (rotation.eventTimeNanos() <= clockNanos) {
        out.add(rotation);
      }
    }
    out.addAll(sequential(new OperationFailedRule(config), events));
    out.addAll(sequential(BurstRule.changes(config), events));
    out.addAll(sequential(BurstRule.deniedCalls(config), events));
    out.addAll(sequential(BurstRule.multiCluster(config), events));
    out.addAll(sequential(new NewPrincipalRule(config), events));
    out.addAll(sequential(new VersionDowngradeRule(config), events));
    out.addAll(sequential(BehaviourRules.all(config), events));
    return out;
  }

  private static <S> void fireDeadlines(SequentialRule<S> rule, S state, long upToNanos, List<Finding> out) {
    Long deadline;
    while ((deadline = rule.nextDeadline(state)) != null && deadline <= upToNanos) {
      rule.onDeadline(state, deadline, out::add);
    }
  }

  private static <S> S roundTrip(JsonCoder<S> coder, S state) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      coder.encode(state, bytes);
      return coder.decode(new ByteArrayInputStream(bytes.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
