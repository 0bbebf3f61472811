package com.gkeaudit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gkeaudit.transforms.DetectFindings;
import com.gkeaudit.rules.RuleConfig;
import com.gkeaudit.io.ClusterMetadataSource;
import com.gkeaudit.transforms.EnrichEvents;
import com.gkeaudit.io.InputFiles;
import com.gkeaudit.io.OutputTable;
import com.gkeaudit.io.ParseRecords;
import com.gkeaudit.io.PublishFindings;
import com.gkeaudit.io.PubsubEntrySource;
import com.gkeaudit.io.ReadAuditExports;
import com.gkeaudit.io.ReadPubsubEntries;
import com.gkeaudit.io.ReadWatchedExports;
import com.gkeaudit.io.Rows;
import com.gkeaudit.io.WriteBigQuery;
import com.gkeaudit.io.WriteNdjson;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Finding;
import com.gkeaudit.transforms.JsonCoder;
import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.options.OptionsValidator;
import com.gkeaudit.options.RuleConfigs;
import com.gkeaudit.transforms.DedupeEntries;
import com.gkeaudit.io.SuppressFindings;
import com.gkeaudit.io.Suppressions;
import java.io.IOException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryServices;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;

/**
 * The pipeline: read audit-log exports, parse and dedupe ClusterManager entries, enrich them with cluster metadata,
 * run the rule catalogue, and write findings, events and dead letters. One code path for every runner; on the
 * DirectRunner, {@code main} waits for the result and prints a summary.
 */
public final class GkeAuditPipeline {
  /** The longest a finding waits to be written in a stream. */
  static final Duration FINDINGS_FLUSH = Duration.standardSeconds(1);

  private GkeAuditPipeline() {}

  public static void main(String[] args) {
    int exitCode = run(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  /**
   * Validates, builds and runs; on the DirectRunner waits and prints the summary. Returns the process exit code: 0,
   * 1 when the pipeline failed, 2 for bad options or input.
   */
  static int run(String[] args) {
    PipelineOptionsFactory.register(GkeAuditOptions.class);
    GkeAuditOptions options;
    try {
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(GkeAuditOptions.class);
      OptionsValidator.validate(options);
    } catch (RuntimeException e) {
      // Every option problem is one line (Beam's own messages can span several, with a usage text).
      System.err.println("error: " + firstLine(e.getMessage()));
      return 2;
    }
    String badSuppressions = unreadableSuppressions(options);
    if (badSuppressions != null) {
      System.err.println("error: " + badSuppressions);
      return 2;
    }
    String noInput;
    try {
      noInput =
          isStreaming(options) && isDirectRunner(options)
              ? PubsubEntrySource.unreadable(options.getInputSubscription(), options)
              : unmatchedInput(options);
    } catch (RuntimeException e) {
      noInput = firstLine(e.getMessage());
    }
    if (noInput != null) {
      System.err.println("error: " + noInput);
      return 2;
    }
    long started = System.nanoTime();
    PipelineResult result;
    try {
      Pipeline pipeline = build(options);
      // Only now, with the options and inputs known good, is the previous run's output replaced.
      replaceLocalOutput(options.getOutputDir());
      result = pipeline.run();
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + firstLine(e.getMessage()));
      return 2;
    } catch (IOException | RuntimeException e) {
      System.err.println("error: the pipeline could not start: " + firstLine(rootMessage(e)));
      return 1;
    }
    if (!isDirectRunner(options)) {
      // A Flex Template launcher must return once the job is submitted.
      return 0;
    }
    if (isStreaming(options)) {
      return LocalStream.runUntilInterrupted(result, options, started);
    }
    PipelineResult.State state;
    try {
      state = result.waitUntilFinish();
    } catch (RuntimeException e) {
      // Bad input never gets here (it becomes dead letters); this is a bug or the machine, said in one line.
      System.err.println("error: the pipeline failed: " + firstLine(rootMessage(e)));
      return 1;
    }
    System.out.print(RunSummary.of(result, options, (System.nanoTime() - started) / 1_000_000L).render());
    if (state != PipelineResult.State.DONE) {
      System.err.println("error: pipeline ended in state " + state);
      return 1;
    }
    return 0;
  }

  /**
   * Removes the previous run's NDJSON output below a local {@code --outputDir} ({@code findings/}, {@code events/},
   * {@code deadletter/}), so a rerun replaces it rather than mixing shards of both. Called only once the options and
   * inputs are known good: a typo in an option must not cost the last results. Links are removed, not followed.
   */
  static void replaceLocalOutput(String outputDir) throws IOException {
    if (!isSet(outputDir) || (outputDir.contains("://") && !outputDir.startsWith("file://"))) {
      return;
    }
    java.nio.file.Path dir =
        java.nio.file.Paths.get(outputDir.startsWith("file://") ? outputDir.substring(7) : outputDir);
    for (String part : new String[] {"findings", "events", "deadletter"}) {
      java.nio.file.Path sub = dir.resolve(part);
      if (!java.nio.file.Files.exists(sub, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(sub)) {
        for (java.nio.file.Path path : (Iterable<java.nio.file.Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
          java.nio.file.Files.delete(path);
        }
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + com.gkeaudit.model.Redactor.redact(message));
  }

  /** Builds the whole pipeline for validated options. */
  public static Pipeline build(GkeAuditOptions options) {
    return build(options, null);
  }

  /**
   * Builds the whole pipeline; {@code bigQuery} replaces the BigQuery services of the table sinks (tests pass Beam's
   * fakes), null for the real ones.
   */
  static Pipeline build(GkeAuditOptions options, BigQueryServices bigQuery) {
    boolean streaming = isStreaming(options);
    if (streaming) {
      options.as(StreamingOptions.class).setStreaming(true);
      // A local stream runs until interrupted: run() must return so progress can be shown and Ctrl-C handled.
      options.as(DirectOptions.class).setBlockOnRun(false);
    }
    Pipeline pipeline = Pipeline.create(options);
    RuleConfig config = RuleConfigs.from(options);
    int shards = keyShards(options);

    PCollectionTuple records =
        isSet(options.getInputSubscription())
            ? pipeline.apply(
                "ReadSubscription",
                ReadPubsubEntries.from(
                    options.getInputSubscription(),
                    Duration.standardSeconds(options.getIdleWatermarkSeconds()),
                    // The allowed lateness is held by the stateful rules (DetectFindings), on every runner alike:
                    // the source's watermark follows what it read.
                    Duration.ZERO))
            : watching(options)
                ? pipeline.apply(
                    "WatchExports",
                    ReadWatchedExports.from(
                        RuleConfig.splitList(options.getInputFiles()),
                        Duration.standardSeconds(options.getWatchIntervalSeconds()),
                        Duration.standardSeconds(options.getIdleWatermarkSeconds()),
                        Duration.ZERO))
                : pipeline.apply(
                    "ReadExports",
                    // Local patterns are resolved to their files here, by a bounded, loop-safe walk.
                    ReadAuditExports.from(resolvedInputFiles(options.getInputFiles()))
                        // Files vary in size: more groups than cores keeps every core busy until the end.
                        .withFileGroups(4 * shards));
    PCollection<Long> clock = records.get(ParseRecords.CLOCK).setCoder(VarLongCoder.of());
    PCollection<DeadLetter> recordDeadLetters =
        records.get(ParseRecords.DEAD_LETTERS).setCoder(JsonCoder.of(DeadLetter.class));

    ClusterMetadataSource.Result metadata =
        streaming && options.getMetadataRefreshMinutes() > 0
            ? ClusterMetadataSource.refreshing(
                pipeline.begin(),
                options.getClusterMetadata(),
                Duration.standardMinutes(options.getMetadataRefreshMinutes()),
                LocalStream.drainKey(options))
            : ClusterMetadataSource.read(pipeline.begin(), options.getClusterMetadata());

    PCollection<ClusterEvent> events =
        records
            .get(ParseRecords.EVENTS)
            .setCoder(JsonCoder.of(ClusterEvent.class))
            .apply(
                "Dedupe",
                DedupeEntries.within(Duration.standardHours(options.getDedupeHorizonHours())).withShards(shards))
            .apply("Enrich", EnrichEvents.with(metadata.view()));

    PCollectionTuple detected =
        events.apply(
            "Detect",
            DetectFindings.with(config, clock)
                .withShards(shards)
                .withAllowedLateness(Duration.standardMinutes(options.getAllowedLatenessMinutes())));
    PCollection<Finding> findings = detected.get(DetectFindings.FINDINGS);
    if (isSet(options.getSuppressions())) {
      findings = findings.apply("Suppress", suppress(options, streaming));
    }
    if (isSet(options.getFindingsTopic())) {
      findings.apply("AlertToPubsub", PublishFindings.to(options.getFindingsTopic()));
    }

    String environmentLabel = config.environmentLabel();
    String criticalityLabel = config.criticalityLabel();
    SerializableFunction<ClusterEvent, ObjectNode> eventRow = e -> Rows.event(e, environmentLabel, criticalityLabel);

    // Rows a table rejects become dead letters like any unusable input record.
    PCollectionList<DeadLetter> deadLetterParts =
        PCollectionList.of(recordDeadLetters).and(detected.get(DetectFindings.LATE));
    if (metadata.deadLetters() != null) {
      deadLetterParts = deadLetterParts.and(metadata.deadLetters());
    }
    if (isSet(options.getFindingsTable())) {
      deadLetterParts =
          deadLetterParts.and(
              findings.apply(
                  "FindingsToBigQuery",
                  WriteBigQuery.to(OutputTable.FINDINGS, options.getFindingsTable(), Rows::finding)
                      .withTestServices(bigQuery)));
    }
    if (isSet(options.getEventsTable())) {
      deadLetterParts =
          deadLetterParts.and(
              events.apply(
                  "EventsToBigQuery",
                  WriteBigQuery.to(OutputTable.EVENTS, options.getEventsTable(), eventRow).withTestServices(bigQuery)));
    }
    PCollection<DeadLetter> deadLetters = deadLetterParts.apply("AllDeadLetters", Flatten.pCollections());
    if (isSet(options.getDeadLetterTable())) {
      deadLetters
          .apply(
              "DeadLettersToBigQuery",
              WriteBigQuery.to(OutputTable.DEAD_LETTER, options.getDeadLetterTable(), Rows::deadLetter)
                  .withTestServices(bigQuery))
          .apply("LogRejectedDeadLetters", WriteBigQuery.logAndCount());
    }

    String outputDir = options.getOutputDir();
    if (isSet(outputDir)) {
      Duration flush = Duration.standardSeconds(options.getOutputFlushSeconds());
      // Findings are few and urgent (docs/streaming.md: a single-entry finding within 5 s of its entry's arrival): their own
      // short panes. Events and dead letters, the volume, are batched on --outputFlushSeconds.
      Duration findingsFlush = flush.isShorterThan(FINDINGS_FLUSH) ? flush : FINDINGS_FLUSH;
      findings.apply(
          "WriteFindings",
          WriteNdjson.to(outputDir, "findings", (Finding f) -> Rows.finding(f).toString())
              .withFlushEvery(findingsFlush));
      events.apply(
          "WriteEvents",
          WriteNdjson.to(outputDir, "events", (ClusterEvent e) -> eventRow.apply(e).toString()).withFlushEvery(flush));
      deadLetters.apply(
          "WriteDeadLetters",
          WriteNdjson.to(outputDir, "deadletter", (DeadLetter d) -> Rows.deadLetter(d).toString())
              .withFlushEvery(flush));
    }
    return pipeline;
  }

  /**
   * The suppression step: in a stream with a refresh interval the file is re-read like the cluster metadata;
   * otherwise it is read once here, while the pipeline is built (run() has already checked it).
   */
  private static SuppressFindings suppress(GkeAuditOptions options, boolean streaming) {
    if (streaming && options.getMetadataRefreshMinutes() > 0) {
      return SuppressFindings.refreshing(
          options.getSuppressions(), Duration.standardMinutes(options.getMetadataRefreshMinutes()));
    }
    FileSystems.setDefaultPipelineOptions(options);
    try {
      return SuppressFindings.with(Suppressions.read(options.getSuppressions()));
    } catch (IOException e) {
      throw new IllegalArgumentException("--suppressions " + options.getSuppressions() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Why {@code --suppressions} cannot be used (unreadable, or malformed: one line), or null. Checked before anything
   * runs, also for a stream that will re-read it: a job must not start with a file it cannot apply.
   */
  static String unreadableSuppressions(GkeAuditOptions options) {
    if (!isSet(options.getSuppressions())) {
      return null;
    }
    FileSystems.setDefaultPipelineOptions(options);
    try {
      Suppressions.read(options.getSuppressions());
      return null;
    } catch (IOException e) {
      return "--suppressions " + options.getSuppressions() + ": cannot read it: " + firstLine(e.getMessage());
    } catch (IllegalArgumentException e) {
      return firstLine(e.getMessage());
    }
  }

  /**
   * Why {@code --inputFiles} cannot be read, or null: every local pattern must match at least one file, a directory
   * is not a pattern, and the walk is bounded ({@link InputFiles}). A typo in a path should be an error, not an empty
   * run that looks clean, nor a stack trace from inside the job. Patterns with a scheme ({@code gs://}) are left to
   * the job: checking them needs its credentials (and can stall on retries without them).
   */
  static String unmatchedInput(GkeAuditOptions options) {
    if (!isSet(options.getInputFiles()) || watching(options)) {
      // Watched patterns may match nothing yet: files arrive while the stream runs.
      return null;
    }
    try {
      InputFiles.resolve(RuleConfig.splitList(options.getInputFiles()));
      return null;
    } catch (InputFiles.BadInputException e) {
      return e.getMessage();
    }
  }

  /** The files of local patterns (a pattern that matches nothing is kept, for the job to report), others as given. */
  private static java.util.List<String> resolvedInputFiles(String inputFiles) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String pattern : RuleConfig.splitList(inputFiles)) {
      try {
        out.addAll(InputFiles.resolve(java.util.List.of(pattern)));
      } catch (InputFiles.BadInputException e) {
        out.add(pattern);
      }
    }
    return out;
  }

  /** {@code --keyShards}, or its automatic value for the runner (see the option's description). */
  static int keyShards(GkeAuditOptions options) {
    if (options.getKeyShards() != null && options.getKeyShards() > 0) {
      return options.getKeyShards();
    }
    return isDirectRunner(options) ? Runtime.getRuntime().availableProcessors() : 256;
  }

  /** A subscription is an unbounded input, and so are watched files; otherwise files are read once. */
  static boolean isStreaming(GkeAuditOptions options) {
    return isSet(options.getInputSubscription()) || watching(options);
  }

  /** {@code --inputFiles} polled for new files ({@code --watchIntervalSeconds} > 0). */
  static boolean watching(GkeAuditOptions options) {
    return isSet(options.getInputFiles())
        && options.getWatchIntervalSeconds() != null
        && options.getWatchIntervalSeconds() > 0;
  }

  private static boolean isDirectRunner(GkeAuditOptions options) {
    return options.getRunner().getSimpleName().equals("DirectRunner");
  }

  private static boolean isSet(String option) {
    return option != null && !option.isBlank();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid options";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
