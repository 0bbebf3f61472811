package com.gkeaudit.rules;

import com.gkeaudit.model.Times;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Rule thresholds and label conventions, passed into every rule (never read from globals). Each component is the
 * option of the same name (built by options.RuleConfigs; docs/options.md lists them): a new threshold is an option
 * declaration, a component here, and its use in the rule.
 */
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
    String criticalityLabel,
    int rareMethodMinHistory,
    int volumeMinChanges,
    double volumeSigma,
    int volumeBaselineDays,
    int escalationWindowMinutes)
    implements Serializable {

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

  long escalationWindowNanos() {
    return escalationWindowMinutes * Times.NANOS_PER_MINUTE;
  }
}
