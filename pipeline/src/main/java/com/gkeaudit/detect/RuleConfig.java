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
    String criticalityLabel,
    int rareMethodMinHistory,
    int volumeMinChanges,
    double volumeSigma,
    int volumeBaselineDays,
    int escalationWindowMinutes)
    implements Serializable {

  /** SPEC §5b defaults of the behavioural rules' options. */
  public static final int DEFAULT_RARE_METHOD_MIN_HISTORY = 5;
  public static final int DEFAULT_VOLUME_MIN_CHANGES = 10;
  public static final double DEFAULT_VOLUME_SIGMA = 3.0;
  public static final int DEFAULT_VOLUME_BASELINE_DAYS = 14;
  public static final int DEFAULT_ESCALATION_WINDOW_MINUTES = 60;

  /** The SPEC §3 options, with the behavioural rules' (SPEC §5b) at their defaults. */
  public RuleConfig(
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
      String criticalityLabel) {
    this(
        rotationMaxOpenHours, burstThreshold, burstWindowMinutes, deniedThreshold, deniedWindowMinutes,
        fanoutThreshold, fanoutWindowMinutes, principalLookbackDays, baselineDays, trustedCidrs, environmentLabel,
        productionValues, criticalityLabel, DEFAULT_RARE_METHOD_MIN_HISTORY, DEFAULT_VOLUME_MIN_CHANGES,
        DEFAULT_VOLUME_SIGMA, DEFAULT_VOLUME_BASELINE_DAYS, DEFAULT_ESCALATION_WINDOW_MINUTES);
  }

  /** docs/options.md defaults. */
  public static RuleConfig defaults() {
    return new RuleConfig(24, 4, 60, 5, 60, 5, 60, 30, 7, List.of(), "env", Set.of("prod", "production"), "criticality");
  }

  /** The same configuration with other options of the behavioural rules (SPEC §5b). */
  public RuleConfig withBehaviour(
      int rareMethodMinHistory,
      int volumeMinChanges,
      double volumeSigma,
      int volumeBaselineDays,
      int escalationWindowMinutes) {
    return new RuleConfig(
        rotationMaxOpenHours, burstThreshold, burstWindowMinutes, deniedThreshold, deniedWindowMinutes,
        fanoutThreshold, fanoutWindowMinutes, principalLookbackDays, baselineDays, trustedCidrs, environmentLabel,
        productionValues, criticalityLabel, rareMethodMinHistory, volumeMinChanges, volumeSigma, volumeBaselineDays,
        escalationWindowMinutes);
  }

  /** The same configuration with another lookback and baseline (new-principal and the behavioural rules). */
  public RuleConfig withHistory(int principalLookbackDays, int baselineDays) {
    return new RuleConfig(
        rotationMaxOpenHours, burstThreshold, burstWindowMinutes, deniedThreshold, deniedWindowMinutes,
        fanoutThreshold, fanoutWindowMinutes, principalLookbackDays, baselineDays, trustedCidrs, environmentLabel,
        productionValues, criticalityLabel, rareMethodMinHistory, volumeMinChanges, volumeSigma, volumeBaselineDays,
        escalationWindowMinutes);
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
        options.getCriticalityLabel(),
        options.getRareMethodMinHistory(),
        options.getVolumeMinChanges(),
        options.getVolumeSigma(),
        options.getVolumeBaselineDays(),
        options.getEscalationWindowMinutes());
  }

  public RuleConfig withTrustedCidrs(List<String> cidrs) {
    return new RuleConfig(
        rotationMaxOpenHours, burstThreshold, burstWindowMinutes, deniedThreshold, deniedWindowMinutes,
        fanoutThreshold, fanoutWindowMinutes, principalLookbackDays, baselineDays, List.copyOf(cidrs),
        environmentLabel, productionValues, criticalityLabel, rareMethodMinHistory, volumeMinChanges, volumeSigma,
        volumeBaselineDays, escalationWindowMinutes);
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

  long escalationWindowNanos() {
    return escalationWindowMinutes * Times.NANOS_PER_MINUTE;
  }
}
