package com.gkeaudit.rules;

import com.gkeaudit.model.ClusterMetadata;
import java.util.Collection;
import java.util.Locale;

/** docs/rules.md severities, with the one-level raise for production or critical clusters. */
public enum Severity {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  public Severity raised() {
    return this == CRITICAL ? CRITICAL : values()[ordinal() + 1];
  }

  /** Raised once when any of {@code clusters} is production or high/critical criticality. */
  public Severity escalatedFor(Collection<ClusterMetadata> clusters, RuleConfig config) {
    for (ClusterMetadata cluster : clusters) {
      if (cluster != null && qualifies(cluster, config)) {
        return raised();
      }
    }
    return this;
  }

  static boolean qualifies(ClusterMetadata cluster, RuleConfig config) {
    String environment = cluster.label(config.environmentLabel());
    if (environment != null && config.productionValues().contains(environment.toLowerCase(Locale.ROOT))) {
      return true;
    }
    String criticality = cluster.label(config.criticalityLabel());
    return criticality != null
        && (criticality.equalsIgnoreCase("high") || criticality.equalsIgnoreCase("critical"));
  }
}
