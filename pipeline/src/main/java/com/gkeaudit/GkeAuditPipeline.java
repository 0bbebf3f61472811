package com.gkeaudit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gkeaudit.detect.DetectFindings;
import com.gkeaudit.detect.RuleConfig;
import com.gkeaudit.enrich.ClusterMetadataSource;
import com.gkeaudit.enrich.EnrichEvents;
import com.gkeaudit.io.OutputTable;
import com.gkeaudit.io.ParseRecords;
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
import com.gkeaudit.model.JsonCoder;
import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.options.OptionsValidator;
import com.gkeaudit.parse.DedupeEntries;
import java.io.IOException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.VarLongCoder;
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
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + firstLine(e.getMessage()));
      return 2;
    }
    String noInput =
        isStreaming(options) && isDirectRunner(options)
            ? PubsubEntrySource.unreadable(options.getInputSubscription(), options)
            : unmatchedInput(options);
    if (noInput != null) {
      System.err.println("error: " + noInput);
      return 2;
    }
    long started = System.nanoTime();
    PipelineResult result = build(options).run();
    if (!isDirectRunner(options)) {
      // A Flex Template launcher must return once the job is submitted.
      return 0;
    }
    if (isStreaming(options)) {
      return LocalStream.runUntilInterrupted(result, options, started);
    }
    PipelineResult.State state = result.waitUntilFinish();
    System.out.print(RunSummary.of(result, options, (System.nanoTime() - started) / 1_000_000L).render());
    if (state != PipelineResult.State.DONE) {
      System.err.println("error: pipeline ended in state " + state);
      return 1;
    }
    return 0;
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
    RuleConfig config = RuleConfig.from(options);
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
                    ReadAuditExports.from(RuleConfig.splitList(options.getInputFiles()))
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
      // Findings are few and urgent (SPEC §8: a single-entry finding within 5 s of its entry's arrival): their own
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
   * Why {@code --inputFiles} cannot be read (no pattern matches a file), or null. A typo in a path should be an
   * error, not an empty run that looks clean. Only local patterns are checked; gs:// ones are left to the job.
   */
  static String unmatchedInput(GkeAuditOptions options) {
    if (!isSet(options.getInputFiles()) || watching(options)) {
      // Watched patterns may match nothing yet: files arrive while the stream runs.
      return null;
    }
    FileSystems.setDefaultPipelineOptions(options);
    for (String pattern : RuleConfig.splitList(options.getInputFiles())) {
      if (pattern.contains("://")) {
        return null; // a bucket: checking needs the job's credentials (and can stall on retries without them)
      }
      try {
        MatchResult match = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
        if (match.status() == MatchResult.Status.OK && !match.metadata().isEmpty()) {
          return null;
        }
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
    return "--inputFiles matches no file: " + options.getInputFiles();
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
