package com.gkeaudit.transforms;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.ClusterMetadata;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/** Attaches each event's cluster metadata (labels, release channel, versions, maintenance policy). */
public final class EnrichEvents extends PTransform<PCollection<ClusterEvent>, PCollection<ClusterEvent>> {
  private final PCollectionView<Map<String, ClusterMetadata>> clusters;

  private EnrichEvents(PCollectionView<Map<String, ClusterMetadata>> clusters) {
    this.clusters = clusters;
  }

  public static EnrichEvents with(PCollectionView<Map<String, ClusterMetadata>> clusters) {
    return new EnrichEvents(clusters);
  }

  @Override
  public PCollection<ClusterEvent> expand(PCollection<ClusterEvent> events) {
    return events
        .apply("JoinClusterMetadata", ParDo.of(new JoinFn(clusters)).withSideInputs(clusters))
        .setCoder(JsonCoder.of(ClusterEvent.class));
  }

  static final class JoinFn extends DoFn<ClusterEvent, ClusterEvent> {
    private final PCollectionView<Map<String, ClusterMetadata>> clusters;

    JoinFn(PCollectionView<Map<String, ClusterMetadata>> clusters) {
      this.clusters = clusters;
    }

    @ProcessElement
    public void process(@Element ClusterEvent event, ProcessContext context) {
      ClusterMetadata metadata = context.sideInput(clusters).get(event.clusterKey());
      context.output(metadata == null ? event : event.withCluster(metadata));
    }
  }
}
