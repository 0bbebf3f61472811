package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.io.Serializable;
import java.util.List;
import java.util.function.Consumer;

/**
 * A rule that judges one entry on its own, with no memory and no ordering: the other shape of rule beside
 * {@link SequentialRule}. Runners apply these as entries arrive, so in a stream their findings are written within
 * seconds whatever the watermark (docs/streaming.md, "Time to detect").
 */
public interface SingleEntryRule extends Serializable {

  void evaluate(ClusterEvent event, Consumer<Finding> out);

  /**
   * The catalogue's single-entry rules: posture-weakened, outside-maintenance-window, untrusted-source, and
   * operation-failed for synchronous calls (those without an {@code operation}, so nothing to join).
   */
  static List<SingleEntryRule> all(RuleConfig config) {
    TrustedNetworks trusted = TrustedNetworks.parse(config.trustedCidrs());
    return List.of(
        (event, out) -> PostureRule.evaluate(event, config, out),
        (event, out) -> MaintenanceWindowRule.evaluate(event, config, out),
        (event, out) -> UntrustedSourceRule.evaluate(event, trusted, config, out),
        (event, out) -> {
          if (event.operationId() == null) {
            OperationFailedRule.evaluate(event, null, config, out);
          }
        });
  }
}
