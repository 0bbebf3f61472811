package com.gkeaudit.detect;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * The rules that judge one entry on its own: posture-weakened, outside-maintenance-window, untrusted-source, and
 * operation-failed for synchronous calls (those without an {@code operation}, so nothing to join).
 */
final class PerEventRulesFn extends DoFn<ClusterEvent, Finding> {
  private final RuleConfig config;
  private final TrustedNetworks trusted;

  PerEventRulesFn(RuleConfig config) {
    this.config = config;
    this.trusted = TrustedNetworks.parse(config.trustedCidrs());
  }

  @ProcessElement
  public void process(@Element ClusterEvent event, OutputReceiver<Finding> out) {
    PostureRule.evaluate(event, config, out::output);
    MaintenanceWindowRule.evaluate(event, config, out::output);
    UntrustedSourceRule.evaluate(event, trusted, config, out::output);
    if (event.operationId() == null) {
      OperationFailedRule.evaluate(event, null, config, out::output);
    }
  }
}
