package com.gkeaudit.io;

import com.gkeaudit.model.ClusterMetadata;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.transforms.JsonCoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;

/**
 * Cluster metadata from a Cloud Asset Inventory export, as a map side input keyed like {@code
 * ClusterEvent.clusterKey()}. The newest {@code update_time} wins when a cluster appears more than once. Lines that
 * are not cluster assets go to the dead letter with their reason.
 */
public final class ClusterMetadataSource {
  public static final TupleTag<KV<String, ClusterMetadata>> CLUSTERS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};
  private static final Counter CLUSTERS_READ = Metrics.counter(ParseRecords.METRICS_NAMESPACE, "metadata_clusters");

  private ClusterMetadataSource() {}

  /** The metadata of {@code filePattern}, or an empty map when it is null. */
  public static Result read(PBegin begin, String filePattern) {
    KvCoder<String, ClusterMetadata> coder = KvCoder.of(StringUtf8Coder.of(), JsonCoder.of(ClusterMetadata.class));
    if (filePattern == null || filePattern.isBlank()) {
      PCollection<KV<String, ClusterMetadata>> none = begin.apply("NoClusterMetadata", Create.empty(coder));
      return new Result(none.apply("AsMap", View.asMap()), null);
    }
    PCollectionTuple parsed =
        begin
            .apply("ReadClusterMetadata", TextIO.read().from(filePattern))
            .apply(
                "ParseAssets",
                ParDo.of(new ParseAssetFn(filePattern)).withOutputTags(CLUSTERS, TupleTagList.of(DEAD_LETTERS)));
    PCollectionView<Map<String, ClusterMetadata>> view =
        parsed
            .get(CLUSTERS)
            .setCoder(coder)
            .apply("NewestPerCluster", Combine.perKey(newest()))
            .apply("AsMap", View.asMap());
    return new Result(view, parsed.get(DEAD_LETTERS).setCoder(JsonCoder.of(DeadLetter.class)));
  }

  /**
   * The metadata of {@code filePattern}, re-read {@code every} interval (the first read at start), for a streaming
   * pipeline whose events sit in the global window: each read replaces the whole map, so clusters deleted from the
   * export disappear too. A read that fails keeps the previous map (see {@link RefreshClusterMetadataFn}); events wait
   * for the first successful read. Bad lines become dead letters once per file version, not once per read.
   */
  public static Result refreshing(PBegin begin, String filePattern, Duration every) {
    return refreshing(begin, filePattern, every, null);
  }

  /**
   * As {@link #refreshing(PBegin, String, Duration)}; on the DirectRunner, with a {@code drainKey}, the ticks end
   * when a drain of that key is requested ({@link DrainableTicks}), so a drained local stream can finish.
   */
  public static Result refreshing(PBegin begin, String filePattern, Duration every, String drainKey) {
    if (filePattern == null || filePattern.isBlank()) {
      return read(begin, filePattern);
    }
    if (every.getMillis() <= 0) {
      throw new IllegalArgumentException("metadata refresh interval must be positive: " + every);
    }
    PCollectionTuple reads =
        begin
            // No catch-up burst after a stall: each tick is a full re-read, and a pane holding several maps would
            // break the singleton view.
            .apply(
                "MetadataRefreshTicks",
                drainKey != null && isDirectRunner(begin)
                    ? Read.from(DrainableTicks.every(every, drainKey))
                    : PeriodicImpulse.create().withInterval(every).catchUpToNow(false))
            // One key: the refresh keeps which bad lines it reported in per-key state.
            .apply("OneKey", WithKeys.of("cluster-metadata"))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), InstantCoder.of()))
            .apply(
                "ReReadClusterMetadata",
                ParDo.of(new RefreshClusterMetadataFn(filePattern))
                    .withOutputTags(
                        RefreshClusterMetadataFn.SNAPSHOTS, TupleTagList.of(RefreshClusterMetadataFn.DEAD_LETTERS)));
    PCollectionView<Map<String, ClusterMetadata>> view =
        reads
            .get(RefreshClusterMetadataFn.SNAPSHOTS)
            .setCoder(JsonCoder.mapOf(ClusterMetadata.class))
            // Fire every map as soon as it is read and forget it: the view is always the latest whole export.
            .apply(
                "EachReadReplacesTheLast",
                Window.<Map<String, ClusterMetadata>>into(new GlobalWindows())
                    .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane()))
                    .discardingFiredPanes()
                    // At the end of the window (a drain) the on-time pane would be empty, and an empty pane is
                    // no map: the singleton view fails the drain ("Empty PCollection accessed as a singleton").
                    .withOnTimeBehavior(Window.OnTimeBehavior.FIRE_IF_NON_EMPTY))
            .apply("AsLatestMap", View.asSingleton());
    return new Result(
        view, reads.get(RefreshClusterMetadataFn.DEAD_LETTERS).setCoder(JsonCoder.of(DeadLetter.class)));
  }

  private static boolean isDirectRunner(PBegin begin) {
    var runner = begin.getPipeline().getOptions().getRunner();
    return runner != null && runner.getSimpleName().equals("DirectRunner");
  }

  /** The side input and the dead letters of unusable lines (null when no metadata was given). */
  public record Result(PCollectionView<Map<String, ClusterMetadata>> view, PCollection<DeadLetter> deadLetters) {}

  /** Of two descriptions of one cluster, the later; equal times pick by content so every run picks the same. */
  static SerializableBiFunction<ClusterMetadata, ClusterMetadata, ClusterMetadata> newest() {
    return (a, b) -> {
      long ta = a.updateTimeNanos() == null ? Long.MIN_VALUE : a.updateTimeNanos();
      long tb = b.updateTimeNanos() == null ? Long.MIN_VALUE : b.updateTimeNanos();
      return ta != tb ? (ta > tb ? a : b) : (a.toString().compareTo(b.toString()) >= 0 ? a : b);
    };
  }

  static final class ParseAssetFn extends DoFn<String, KV<String, ClusterMetadata>> {
    private final String source;

    ParseAssetFn(String source) {
      this.source = source;
    }

    @ProcessElement
    public void process(@Element String line, MultiOutputReceiver out) {
      try {
        ClusterMetadata metadata = ClusterMetadataParser.parse(line);
        if (metadata != null) {
          CLUSTERS_READ.inc();
          ClusterMetadataParser.reportUnusablePolicy(metadata, source);
          out.get(CLUSTERS).output(KV.of(ClusterMetadataParser.clusterKey(metadata), metadata));
        }
      } catch (ClusterMetadataParser.InvalidAssetException e) {
        byte[] raw = line.getBytes(StandardCharsets.UTF_8);
        Metrics.counter(ParseRecords.METRICS_NAMESPACE, "metadata_dead_letter").inc();
        out.get(DEAD_LETTERS)
            .output(
                DeadLetter.of(
                    e.reason(), e.getMessage(), source, null, raw, 0, raw.length, raw.length, null));
      }
    }
  }
}
