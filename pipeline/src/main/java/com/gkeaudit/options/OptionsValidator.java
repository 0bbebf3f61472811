package com.gkeaudit.options;

import com.gkeaudit.detect.RuleConfig;
import com.gkeaudit.detect.TrustedNetworks;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks the options before anything runs; every problem is a one-line message (docs/options.md). */
public final class OptionsValidator {
  private static final Pattern SUBSCRIPTION = Pattern.compile("projects/[^/]+/subscriptions/[^/]+");
  private static final Pattern TOPIC = Pattern.compile("projects/[^/]+/topics/[^/]+");
  private static final Pattern TABLE = Pattern.compile("[a-z0-9.:\\-]+[:.][A-Za-z0-9_]+\\.[A-Za-z0-9_$\\-]+");

  private OptionsValidator() {}

  /** Throws {@link IllegalArgumentException} naming the first bad option. */
  public static void validate(GkeAuditOptions options) {
    List<String> inputs = new ArrayList<>();
    if (notBlank(options.getInputFiles())) {
      inputs.add("--inputFiles");
    }
    if (notBlank(options.getInputSubscription())) {
      inputs.add("--inputSubscription");
    }
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(
          "exactly one input is required: --inputFiles or --inputSubscription (got "
              + (inputs.isEmpty() ? "none" : String.join(" and ", inputs)) + ")");
    }
    if (notBlank(options.getInputSubscription())) {
      if (!SUBSCRIPTION.matcher(options.getInputSubscription()).matches()) {
        throw new IllegalArgumentException(
            "--inputSubscription must look like projects/PROJECT/subscriptions/NAME, got '"
                + options.getInputSubscription() + "'");
      }
    }
    if (notBlank(options.getFindingsTopic()) && !TOPIC.matcher(options.getFindingsTopic()).matches()) {
      throw new IllegalArgumentException(
          "--findingsTopic must look like projects/PROJECT/topics/NAME, got '" + options.getFindingsTopic() + "'");
    }
    for (String[] table :
        new String[][] {
          {"--findingsTable", options.getFindingsTable()},
          {"--eventsTable", options.getEventsTable()},
          {"--deadLetterTable", options.getDeadLetterTable()}
        }) {
      if (notBlank(table[1]) && (!TABLE.matcher(table[1]).matches() || !beamAccepts(table[1]))) {
        throw new IllegalArgumentException(table[0] + " must look like PROJECT:DATASET.TABLE, got '" + table[1] + "'");
      }
    }
    // Without NDJSON files, the findings and the dead letters (unusable input, rows BigQuery rejects) each need a
    // table, or they would be computed and dropped (docs/output.md: nothing lost).
    if (!notBlank(options.getOutputDir())) {
      if (!notBlank(options.getFindingsTable())) {
        throw new IllegalArgumentException("an output for findings is required: --outputDir or --findingsTable");
      }
      if (!notBlank(options.getDeadLetterTable())) {
        throw new IllegalArgumentException(
            "an output for dead letters is required with BigQuery tables: --deadLetterTable or --outputDir");
      }
    }
    positive("--rotationMaxOpenHours", options.getRotationMaxOpenHours());
    positive("--burstThreshold", options.getBurstThreshold());
    positive("--burstWindowMinutes", options.getBurstWindowMinutes());
    positive("--deniedThreshold", options.getDeniedThreshold());
    positive("--deniedWindowMinutes", options.getDeniedWindowMinutes());
    positive("--fanoutThreshold", options.getFanoutThreshold());
    positive("--fanoutWindowMinutes", options.getFanoutWindowMinutes());
    positive("--principalLookbackDays", options.getPrincipalLookbackDays());
    nonNegative("--baselineDays", options.getBaselineDays());
    nonNegative("--rareMethodMinHistory", options.getRareMethodMinHistory());
    nonNegative("--volumeMinChanges", options.getVolumeMinChanges());
    Double sigma = options.getVolumeSigma();
    if (sigma == null || !Double.isFinite(sigma) || sigma < 0) {
      throw new IllegalArgumentException("--volumeSigma must be a number zero or more, got " + sigma);
    }
    positive("--volumeBaselineDays", options.getVolumeBaselineDays());
    positive("--escalationWindowMinutes", options.getEscalationWindowMinutes());
    positive("--dedupeHorizonHours", options.getDedupeHorizonHours());
    nonNegative("--keyShards", options.getKeyShards());
    nonNegative("--allowedLatenessMinutes", options.getAllowedLatenessMinutes());
    positive("--idleWatermarkSeconds", options.getIdleWatermarkSeconds());
    nonNegative("--watchIntervalSeconds", options.getWatchIntervalSeconds());
    if (options.getWatchIntervalSeconds() > 0 && !notBlank(options.getInputFiles())) {
      throw new IllegalArgumentException("--watchIntervalSeconds watches --inputFiles; a subscription is a stream already");
    }
    nonNegative("--metadataRefreshMinutes", options.getMetadataRefreshMinutes());
    positive("--outputFlushSeconds", options.getOutputFlushSeconds());
    try {
      TrustedNetworks.parse(RuleConfig.splitList(options.getTrustedCidrs()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--trustedCidrs: " + e.getMessage());
    }
    for (String[] label :
        new String[][] {
          {"--environmentLabel", options.getEnvironmentLabel()},
          {"--criticalityLabel", options.getCriticalityLabel()}
        }) {
      if (!notBlank(label[1])) {
        throw new IllegalArgumentException(label[0] + " must not be empty");
      }
    }
  }

  /** The BigQuery sink parses the spec again: what it rejects must be rejected here, in one line. */
  private static boolean beamAccepts(String table) {
    try {
      org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers.parseTableSpec(table);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void positive(String name, Integer value) {
    if (value == null || value <= 0) {
      throw new IllegalArgumentException(name + " must be a positive whole number, got " + value);
    }
  }

  private static void nonNegative(String name, Integer value) {
    if (value == null || value < 0) {
      throw new IllegalArgumentException(name + " must be zero or more, got " + value);
    }
  }

  private static boolean notBlank(String value) {
    return value != null && !value.isBlank();
  }
}
