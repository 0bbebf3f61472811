package com.gkeaudit.io;

import com.gkeaudit.model.Finding;
import com.gkeaudit.transforms.JsonCoder;
import java.io.IOException;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the findings a suppressions file matches (docs/alerts-and-suppressions.md): they keep flowing to every findings output with
 * {@code suppressed_by} set; only the alert sink leaves them out. Detection runs before this step and ids are made
 * there, so a suppression never changes a {@code finding_id}.
 *
 * <p>Two forms: {@link #with} for a file read (and checked) once before the pipeline is built, the batch case; and
 * {@link #refreshing} for a stream, which re-reads the file on a timer like the cluster metadata, so entries can be
 * added or expire without restarting the job. A re-read that fails (file gone, malformed after an edit) is logged and
 * counted and keeps the previous entries: a typo must not turn every suppression off at once in a live stream.
 */
public final class SuppressFindings extends PTransform<PCollection<Finding>, PCollection<Finding>> {
  private static final Counter SUPPRESSED = Metrics.counter(ParseRecords.METRICS_NAMESPACE, "findings_suppressed");

  private final Suppressions fixed;
  private final String file;
  private final Duration every;

  private SuppressFindings(Suppressions fixed, String file, Duration every) {
    this.fixed = fixed;
    this.file = file;
    this.every = every;
  }

  /** Applies entries read once. */
  public static SuppressFindings with(Suppressions suppressions) {
    return new SuppressFindings(suppressions, null, null);
  }

  /** Applies the entries of {@code file}, re-read every interval (the first read at start). */
  public static SuppressFindings refreshing(String file, Duration every) {
    if (every.getMillis() <= 0) {
      throw new IllegalArgumentException("suppressions refresh interval must be positive: " + every);
    }
    return new SuppressFindings(null, file, every);
  }

  @Override
  public PCollection<Finding> expand(PCollection<Finding> findings) {
    if (fixed != null) {
      return findings.apply("MarkSuppressed", ParDo.of(new MarkFn(fixed, null))).setCoder(findings.getCoder());
    }
    PCollectionView<Suppressions> view =
        findings
            .getPipeline()
            .apply("SuppressionsRefreshTicks", PeriodicImpulse.create().withInterval(every).catchUpToNow(false))
            // One key, as the cluster metadata refresh: the reader keeps the version it last applied in state.
            .apply("OneKey", WithKeys.of("suppressions"))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), InstantCoder.of()))
            .apply("ReReadSuppressions", ParDo.of(new ReadFn(file)))
            .setCoder(JsonCoder.of(Suppressions.class))
            // Each read replaces the last (the same shape as the cluster metadata's refreshing side input).
            .apply(
                "EachReadReplacesTheLast",
                Window.<Suppressions>into(new GlobalWindows())
                    .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane()))
                    .discardingFiredPanes())
            .apply("AsLatestSuppressions", View.asSingleton());
    return findings
        .apply("MarkSuppressed", ParDo.of(new MarkFn(null, view)).withSideInputs(view))
        .setCoder(findings.getCoder());
  }

  static final class MarkFn extends DoFn<Finding, Finding> {
    private final Suppressions fixed;
    private final PCollectionView<Suppressions> view;

    MarkFn(Suppressions fixed, PCollectionView<Suppressions> view) {
      this.fixed = fixed;
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext context) {
      Suppressions suppressions = view == null ? fixed : context.sideInput(view);
      Finding marked = suppressions.apply(context.element());
      if (marked.suppressed()) {
        SUPPRESSED.inc();
      }
      context.output(marked);
    }
  }

  /**
   * Re-reads the file on each tick and emits its entries. The version last applied (size and modification time) is
   * kept in state under the ticks' single key, so an edit is logged once when it takes effect, not on every tick.
   */
  static final class ReadFn extends DoFn<KV<String, Instant>, Suppressions> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadFn.class);
    private static final Counter REFRESHED = Metrics.counter(ParseRecords.METRICS_NAMESPACE, "suppressions_refreshed");
    private static final Counter FAILED =
        Metrics.counter(ParseRecords.METRICS_NAMESPACE, "suppressions_refresh_failed");

    private final String file;

    @StateId("appliedVersion")
    private final StateSpec<ValueState<String>> appliedVersionSpec = StateSpecs.value(StringUtf8Coder.of());

    ReadFn(String file) {
      this.file = file;
    }

    @ProcessElement
    public void process(
        @StateId("appliedVersion") ValueState<String> appliedVersion, OutputReceiver<Suppressions> out) {
      try {
        MatchResult.Metadata metadata = FileSystems.matchSingleFileSpec(file);
        Suppressions suppressions = Suppressions.read(file);
        String version = metadata.sizeBytes() + "@" + metadata.lastModifiedMillis();
        if (!version.equals(appliedVersion.read())) {
          LOG.info("Applying {} suppression entries from {}", suppressions.entries().size(), file);
          appliedVersion.write(version);
        }
        REFRESHED.inc();
        out.output(suppressions);
      } catch (IOException | IllegalArgumentException e) {
        FAILED.inc();
        LOG.warn("Re-reading suppressions {} failed, still applying the previous entries: {}", file, e.getMessage());
      }
    }
  }
}
