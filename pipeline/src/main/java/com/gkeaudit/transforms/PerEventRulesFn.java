package com.gkeaudit.transforms;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import com.gkeaudit.rules.SingleEntryRule;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;

/** Applies the {@link SingleEntryRule}s to each entry as it arrives. */
final class PerEventRulesFn extends DoFn<ClusterEvent, Finding> {
  private final List<SingleEntryRule> rules;

  PerEventRulesFn(List<SingleEntryRule> rules) {
    this.rules = rules;
  }

  @ProcessElement
  public void process(@Element ClusterEvent event, OutputReceiver<Finding> out) {
    for (SingleEntryRule rule : rules) {
      rule.evaluate(event, out::output);
    }
  }
}
