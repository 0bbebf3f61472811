package com.gkeaudit.options;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** The output rules: NDJSON files, BigQuery tables, or both; findings and dead letters always land somewhere. */
class OptionsValidatorTest {
  private static final String TABLES = "--findingsTable=proj:audit.findings";

  @Test
  void tablesAloneAreEnoughWithADeadLetterTable() {
    validate("--inputFiles=x", TABLES, "--eventsTable=proj:audit.events", "--deadLetterTable=proj:audit.deadletter");
    validate("--inputFiles=x", "--findingsTable=my-proj.audit.findings", "--deadLetterTable=my-proj.audit.dl");
  }

  @Test
  void tablesAndFilesCombine() {
    validate("--inputFiles=x", "--outputDir=/tmp/out", TABLES);
    validate("--inputFiles=x", "--outputDir=/tmp/out", "--eventsTable=proj:audit.events");
  }

  @Test
  void withoutFilesFindingsAndDeadLettersNeedTables() {
    assertThat(
        error("--inputFiles=x"), is("an output for findings is required: --outputDir or --findingsTable"));
    assertThat(
        error("--inputFiles=x", "--eventsTable=proj:audit.events", "--deadLetterTable=proj:audit.deadletter"),
        is("an output for findings is required: --outputDir or --findingsTable"));
    assertThat(
        error("--inputFiles=x", TABLES),
        is("an output for dead letters is required with BigQuery tables: --deadLetterTable or --outputDir"));
  }

  @Test
  void aMalformedTableIsAOneLineError() {
    assertThat(
        error("--inputFiles=x", "--outputDir=/tmp/out", "--eventsTable=events"),
        is("--eventsTable must look like PROJECT:DATASET.TABLE, got 'events'"));
  }

  @Test
  void aSubscriptionIsAnInput() {
    validate("--inputSubscription=projects/p/subscriptions/s", "--outputDir=/tmp/out");
  }

  @Test
  void streamingKnobsAreChecked() {
    assertThat(
        error("--inputSubscription=projects/p/subscriptions/s", "--outputDir=/tmp/out", "--idleWatermarkSeconds=0"),
        is("--idleWatermarkSeconds must be a positive whole number, got 0"));
    assertThat(
        error("--inputSubscription=projects/p/subscriptions/s", "--outputDir=/tmp/out", "--allowedLatenessMinutes=-1"),
        is("--allowedLatenessMinutes must be zero or more, got -1"));
  }

  @Test
  void watchedFilesPollEveryNSecondsOrNever() {
    validate("--inputFiles=x", "--outputDir=/tmp/out", "--watchIntervalSeconds=0");
    validate("--inputFiles=x", "--outputDir=/tmp/out", "--watchIntervalSeconds=60");
    assertThat(
        error("--inputFiles=x", "--outputDir=/tmp/out", "--watchIntervalSeconds=-1"),
        is("--watchIntervalSeconds must be zero or more, got -1"));
    assertThat(
        error("--inputSubscription=projects/p/subscriptions/s", "--outputDir=/tmp/out", "--watchIntervalSeconds=5"),
        is("--watchIntervalSeconds watches --inputFiles; a subscription is a stream already"));
  }

  @Test
  void behaviouralRuleOptionsAreChecked() {
    String[] base = {"--inputFiles=x", "--outputDir=/tmp/out"};
    validate(concat(base, "--rareMethodMinHistory=0", "--volumeMinChanges=0", "--volumeSigma=2.5",
        "--volumeBaselineDays=1", "--escalationWindowMinutes=1"));
    assertThat(error(concat(base, "--rareMethodMinHistory=-1")), is("--rareMethodMinHistory must be zero or more, got -1"));
    assertThat(error(concat(base, "--volumeMinChanges=-3")), is("--volumeMinChanges must be zero or more, got -3"));
    assertThat(error(concat(base, "--volumeSigma=-0.5")), is("--volumeSigma must be a number zero or more, got -0.5"));
    assertThat(error(concat(base, "--volumeSigma=NaN")), is("--volumeSigma must be a number zero or more, got NaN"));
    assertThat(error(concat(base, "--volumeBaselineDays=0")),
        is("--volumeBaselineDays must be a positive whole number, got 0"));
    assertThat(error(concat(base, "--escalationWindowMinutes=0")),
        is("--escalationWindowMinutes must be a positive whole number, got 0"));
  }

  private static String[] concat(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private static void validate(String... args) {
    OptionsValidator.validate(PipelineOptionsFactory.fromArgs(args).as(GkeAuditOptions.class));
  }

  private static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> validate(args)).getMessage();
  }
}
