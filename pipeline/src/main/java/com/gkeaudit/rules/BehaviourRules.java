package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The behavioural rules of docs/behavioural-rules.md, each principal judged against its own history: {@code unusual-client},
 * {@code unusual-source}, {@code rare-method}, {@code change-volume-anomaly} and {@code denied-then-changed}. They
 * share one key (the principal) and one {@link PrincipalHistory}, so they run as one ordered step: each entry is
 * judged by every rule against the history strictly before it, and only then added to it.
 */
public final class BehaviourRules implements SequentialRule<PrincipalHistory> {
  /** The five rules this step runs, in the order their findings are emitted. */
  public static final List<Rule> RULES =
      List.of(Rule.UNUSUAL_CLIENT, Rule.UNUSUAL_SOURCE, Rule.RARE_METHOD, Rule.CHANGE_VOLUME_ANOMALY,
          Rule.DENIED_THEN_CHANGED);

  private final RuleConfig config;
  private final Set<Rule> enabled;
  private final BurstRule deniedBursts;

  private BehaviourRules(RuleConfig config, Set<Rule> enabled) {
    this.config = config;
    this.enabled = enabled;
    this.deniedBursts = BurstRule.deniedCalls(config);
  }

  public static BehaviourRules all(RuleConfig config) {
    return new BehaviourRules(config, EnumSet.copyOf(RULES));
  }

  /** Only some of the rules (the history kept is the same): for tests of one rule. */
  public static BehaviourRules only(RuleConfig config, Rule first, Rule... more) {
    EnumSet<Rule> rules = EnumSet.of(first, more);
    if (!RULES.containsAll(rules)) {
      throw new IllegalArgumentException("not a behavioural rule: " + rules);
    }
    return new BehaviourRules(config, rules);
  }

  @Override
  public String keyOf(ClusterEvent event) {
    return Keys.principal(event);
  }

  @Override
  public Class<PrincipalHistory> stateClass() {
    return PrincipalHistory.class;
  }

  @Override
  public void onEvent(PrincipalHistory history, ClusterEvent event, Consumer<Finding> out) {
    history.prune(event.timeNanos(), config);
    if (history.firstSeenNanos == null) {
      history.firstSeenNanos = event.timeNanos();
    }
    if (enabled.contains(Rule.UNUSUAL_CLIENT)) {
      UnusualClientRule.evaluate(history, event, config, out);
    }
    if (enabled.contains(Rule.UNUSUAL_SOURCE)) {
      UnusualSourceRule.evaluate(history, event, config, out);
    }
    if (enabled.contains(Rule.RARE_METHOD)) {
      RareMethodRule.evaluate(history, event, config, out);
    }
    if (enabled.contains(Rule.CHANGE_VOLUME_ANOMALY)) {
      ChangeVolumeRule.evaluate(history, event, config, out);
    }
    if (enabled.contains(Rule.DENIED_THEN_CHANGED)) {
      DeniedThenChangedRule.evaluate(history, event, deniedBursts, config, out);
    }
    history.record(event, config);
  }

  @Override
  public Long nextDeadline(PrincipalHistory history) {
    return history.releaseAt(config);
  }

  @Override
  public void onDeadline(PrincipalHistory history, long deadlineNanos, Consumer<Finding> out) {
    history.prune(deadlineNanos, config);
  }

  /** The first-seen time outlives the lookback (establishment is measured from it), so a state is never dropped. */
  @Override
  public boolean isEmpty(PrincipalHistory history) {
    return false;
  }
}
