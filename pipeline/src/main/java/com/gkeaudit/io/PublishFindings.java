package com.gkeaudit.io;

import com.gkeaudit.model.Finding;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubIO;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessageWithAttributesCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * The alert sink of docs/alerts-and-suppressions.md: each finding that is not suppressed becomes one Pub/Sub message whose data is its §6
 * row as JSON (the same text as a findings NDJSON line) and whose attributes let a subscription filter without
 * parsing it: {@code rule_id}, {@code severity}, {@code project_id}, {@code cluster_name} ({@code ""} when the finding
 * spans clusters) and {@code finding_id} (a relay can drop a copy it has seen). Written with Beam's PubsubIO, so
 * Dataflow uses its own Pub/Sub sink, and {@code --pubsubRootUrl} points it at the emulator.
 */
public final class PublishFindings extends PTransform<PCollection<Finding>, PDone> {
  private final String topic;

  private PublishFindings(String topic) {
    this.topic = topic;
  }

  /** Publishes to {@code projects/P/topics/T}. */
  public static PublishFindings to(String topic) {
    return new PublishFindings(topic);
  }

  @Override
  public PDone expand(PCollection<Finding> findings) {
    return findings
        .apply("ToAlertMessages", ParDo.of(new ToMessageFn()))
        .setCoder(PubsubMessageWithAttributesCoder.of())
        .apply("PublishAlerts", PubsubIO.writeMessages().to(topic));
  }

  /** The message of one finding (exposed for tests and relays that want the same shape). */
  public static PubsubMessage message(Finding finding) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("rule_id", finding.ruleId());
    attributes.put("severity", finding.severity());
    // Pub/Sub attribute values are strings: a null becomes "" so a filter like attributes.cluster_name = "" works.
    attributes.put("project_id", finding.projectId() == null ? "" : finding.projectId());
    attributes.put("cluster_name", finding.clusterName() == null ? "" : finding.clusterName());
    attributes.put("finding_id", finding.findingId());
    return new PubsubMessage(Rows.finding(finding).toString().getBytes(StandardCharsets.UTF_8), attributes);
  }

  static final class ToMessageFn extends DoFn<Finding, PubsubMessage> {
    private static final Counter PUBLISHED = Metrics.counter(ParseRecords.METRICS_NAMESPACE, "alerts_published");

    @ProcessElement
    public void process(@Element Finding finding, OutputReceiver<PubsubMessage> out) {
      // Suppressed findings are written to the findings outputs but never alerted.
      if (!finding.suppressed()) {
        PUBLISHED.inc();
        out.output(message(finding));
      }
    }
  }
}
