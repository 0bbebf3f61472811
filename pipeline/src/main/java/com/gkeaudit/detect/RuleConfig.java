package com.gkeaudit.detect;

import com.gkeaudit.model.Times;
import com.gkeaudit.options.GkeAuditOptions;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Rule thresholds and label conventions, passed into every rule (never read from globals). */
public record RuleConfig(
    int rotationMaxOpenHours,
    int burstThreshold,
    int burstWindowMinutes,
    int deniedThreshold,
    int deniedWindowMinutes,
    int fanoutThreshold,
    int fanoutWindowMinutes,
    int principalLookbackDays,
    int baselineDays,
    List<String> trustedCidrs,
    String environmentLabel,
    Set<String> productionValues,
    String criticalityLabel)
    implements Serializable {

  /** docs/options.md defaults. */
  public static RuleConfig defaults() {
    return new RuleConfig(24, 4, 60, 5, 60, 5, 60, 30, 7, List.of(), "env", Set.of("prod", "production"), "criticality");
  }

  public static RuleConfig from(GkeAuditOptions options) {
    return new RuleConfig(
        options.getRotationMaxOpenHours(),
        options.getBurstThreshold(),
        options.getBurstWindowMinutes(),
        options.getDeniedThreshold(),
        options.getDeniedWindowMinutes(),
        options.getFanoutThreshold(),
        options.getFanoutWindowMinutes(),
        options.getPrincipalLookbackDays(),
        options.getBaselineDays(),
        splitList(options.getTrustedCidrs()),
        options.getEnvironmentLabel(),
        // Label values are compared lower-cased, so the option's values are too.
        splitList(options.getProductionValues()).stream()
            .map(v -> v.toLowerCase(java.util.Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet()),
        options.getCriticalityLabel());
  }

  public RuleConfig withTrustedCidrs(List<String> cidrs) {
    return new RuleConfig(
        rotationMaxOpenHours, burstThreshold, burstWindowMinutes, deniedThreshold, deniedWindowMinutes,
        fanoutThreshold, fanoutWindowMinutes, principalLookbackDays, baselineDays, List.copyOf(cidrs),
        environmentLabel, productionValues, criticalityLabel);
  }

  public static List<String> splitList(String commaSeparated) {
    if (commaSeparated == null) {
      return List.of();
    }
    return Arrays.stream(commaSeparated.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableList());
  }

  long rotationMaxOpenNanos() {
    return rotationMaxOpenHours * Times.NANOS_PER_HOUR;
  }

  long principalLookbackNanos() {
    return principalLookbackDays * Times.NANOS_PER_DAY;
  }

  long baselineNanos() {
    return baselineDays * Times.NANOS_PER_DAY;
  }
}
