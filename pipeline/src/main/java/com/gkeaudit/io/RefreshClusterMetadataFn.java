package com.gkeaudit.io;

import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.model.DeadLetter;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.SetCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On each tick, re-reads the whole export behind a file pattern and emits it as one map. A refresh that matches no
 * file or cannot read one emits nothing, so the side input keeps serving the previous map.
 *
 * <p>The file versions whose bad lines were already reported are kept in state (under the single key of the ticks)
 * rather than in the DoFn instance: runners create and drop instances freely, and a restarted worker would otherwise
 * report every bad line again.
 */
final class RefreshClusterMetadataFn extends DoFn<KV<String, Instant>, Map<String, ClusterMetadata>> {
  static final TupleTag<Map<String, ClusterMetadata>> SNAPSHOTS = new TupleTag<>() {};
  static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private static final Logger LOG = LoggerFactory.getLogger(RefreshClusterMetadataFn.class);
  private static final Counter REFRESHED = Metrics.counter(ParseRecords.METRICS_NAMESPACE, "metadata_refreshed");
  private static final Counter FAILED = Metrics.counter(ParseRecords.METRICS_NAMESPACE, "metadata_refresh_failed");
  private static final Counter DEAD_LETTERED =
      Metrics.counter(ParseRecords.METRICS_NAMESPACE, "metadata_dead_letter");

  private final String filePattern;

  @StateId("reportedVersions")
  private final StateSpec<ValueState<Set<String>>> reportedVersionsSpec =
      StateSpecs.value(SetCoder.of(StringUtf8Coder.of()));

  RefreshClusterMetadataFn(String filePattern) {
    this.filePattern = filePattern;
  }

  @ProcessElement
  public void process(@StateId("reportedVersions") ValueState<Set<String>> reportedVersions, MultiOutputReceiver out) {
    Set<String> reported = reportedVersions.read();
    ClusterMetadataReader.Snapshot snapshot;
    try {
      snapshot =
          ClusterMetadataReader.read(FileSystems.match(filePattern).metadata(), reported == null ? Set.of() : reported);
    } catch (IOException e) {
      FAILED.inc();
      LOG.warn(
          "Cluster metadata refresh of {} failed, still serving the previous metadata: {}", filePattern, e.toString());
      return;
    }
    // Only the versions matched now: the state stays as small as the export even when files change every hour.
    reportedVersions.write(snapshot.fileVersions());
    REFRESHED.inc();
    DEAD_LETTERED.inc(snapshot.deadLetters().size());
    snapshot.deadLetters().forEach(out.get(DEAD_LETTERS)::output);
    out.get(SNAPSHOTS).output(snapshot.clusters());
  }
}
