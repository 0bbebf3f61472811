package com.gkeaudit.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubOptions;

/**
 * The command line of docs/options.md, plus the streaming knobs. Validated by {@link OptionsValidator} before anything runs.
 * Extends {@link PubsubOptions} for {@code --pubsubRootUrl} (the Pub/Sub emulator).
 */
public interface GkeAuditOptions extends PubsubOptions {
  @Description(
      "Audit-log export files: comma-separated patterns, local or gs://, one LogEntry JSON per line; .gz read "
          + "transparently; ** globs work. Example: gs://my-bucket/cloudaudit.googleapis.com/**")
  String getInputFiles();

  void setInputFiles(String value);

  @Description("Pub/Sub subscription of a log sink: projects/P/subscriptions/S; message data = one LogEntry JSON.")
  String getInputSubscription();

  void setInputSubscription(String value);

  @Description(
      "Cloud Asset Inventory export of container.googleapis.com/Cluster assets (NDJSON file pattern). Without it, "
          + "rules that need cluster metadata (maintenance windows, labels for severity) use what the events say.")
  String getClusterMetadata();

  void setClusterMetadata(String value);

  @Description("Directory (local or gs://) for NDJSON output: findings/, events/, deadletter/ below it.")
  String getOutputDir();

  void setOutputDir(String value);

  @Description(
      "Pub/Sub topic for alerts, projects/P/topics/T: every finding that is not suppressed is published once, its "
          + "findings row as JSON, with attributes rule_id, severity, project_id, cluster_name, finding_id.")
  String getFindingsTopic();

  void setFindingsTopic(String value);

  @Description(
      "Suppressions file (local or gs://, YAML or JSON): entries with rule_id, principal, project_id, cluster_name "
          + "globs, optional until (RFC 3339) and a reason. Matched findings are written with suppressed=true and "
          + "not alerted.")
  String getSuppressions();

  void setSuppressions(String value);

  @Description("BigQuery table for findings, PROJECT:DATASET.TABLE.")
  String getFindingsTable();

  void setFindingsTable(String value);

  @Description("BigQuery table for enriched ClusterManager events, PROJECT:DATASET.TABLE.")
  String getEventsTable();

  void setEventsTable(String value);

  @Description("BigQuery table for dead-letter rows, PROJECT:DATASET.TABLE.")
  String getDeadLetterTable();

  void setDeadLetterTable(String value);

  @Description("Hours a started IP or credential rotation may stay open before it is reported as stalled.")
  @Default.Integer(24)
  Integer getRotationMaxOpenHours();

  void setRotationMaxOpenHours(Integer value);

  @Description("Successful changes on one cluster that make a change-burst.")
  @Default.Integer(4)
  Integer getBurstThreshold();

  void setBurstThreshold(Integer value);

  @Description("Sliding window of change-burst, in minutes.")
  @Default.Integer(60)
  Integer getBurstWindowMinutes();

  void setBurstWindowMinutes(Integer value);

  @Description("Denied calls by one principal that make a permission-denied-burst.")
  @Default.Integer(5)
  Integer getDeniedThreshold();

  void setDeniedThreshold(Integer value);

  @Description("Sliding window of permission-denied-burst, in minutes.")
  @Default.Integer(60)
  Integer getDeniedWindowMinutes();

  void setDeniedWindowMinutes(Integer value);

  @Description("Distinct clusters changed by one principal that make a multi-cluster-change.")
  @Default.Integer(5)
  Integer getFanoutThreshold();

  void setFanoutThreshold(Integer value);

  @Description("Sliding window of multi-cluster-change, in minutes.")
  @Default.Integer(60)
  Integer getFanoutWindowMinutes();

  void setFanoutWindowMinutes(Integer value);

  @Description("A principal is new on a cluster without a successful change there in this many days.")
  @Default.Integer(30)
  Integer getPrincipalLookbackDays();

  void setPrincipalLookbackDays(Integer value);

  @Description("Days of observed history a cluster needs before new-principal can fire on it.")
  @Default.Integer(7)
  Integer getBaselineDays();

  void setBaselineDays(Integer value);

  @Description(
      "rare-method: successful changes a principal must have made in the lookback before a change method it has not "
          + "used in that span is reported.")
  @Default.Integer(5)
  Integer getRareMethodMinHistory();

  void setRareMethodMinHistory(Integer value);

  @Description("change-volume-anomaly: a principal's daily changes must exceed at least this many.")
  @Default.Integer(10)
  Integer getVolumeMinChanges();

  void setVolumeMinChanges(Integer value);

  @Description(
      "change-volume-anomaly: standard deviations above the principal's mean daily changes (over its baseline days) "
          + "a day must exceed.")
  @Default.Double(3.0)
  Double getVolumeSigma();

  void setVolumeSigma(Double value);

  @Description("change-volume-anomaly: whole UTC days before the day that form a principal's baseline.")
  @Default.Integer(14)
  Integer getVolumeBaselineDays();

  void setVolumeBaselineDays(Integer value);

  @Description(
      "denied-then-changed: minutes after a permission-denied-burst in which the principal's first successful "
          + "change is reported.")
  @Default.Integer(60)
  Integer getEscalationWindowMinutes();

  void setEscalationWindowMinutes(Integer value);

  @Description(
      "Comma-separated trusted CIDRs (IPv4 and IPv6). Empty turns untrusted-source off. Caller IPs 'private' and "
          + "'gce-internal-ip' count as inside.")
  @Default.String("")
  String getTrustedCidrs();

  void setTrustedCidrs(String value);

  @Description("Cluster label key holding the environment.")
  @Default.String("env")
  String getEnvironmentLabel();

  void setEnvironmentLabel(String value);

  @Description("Comma-separated environment label values that raise severity one level.")
  @Default.String("prod,production")
  String getProductionValues();

  void setProductionValues(String value);

  @Description("Cluster label key holding the criticality; values high or critical raise severity one level.")
  @Default.String("criticality")
  String getCriticalityLabel();

  void setCriticalityLabel(String value);

  @Description(
      "Shards of the keyed steps (file reading, dedupe, per-key rules). 0 = automatic: 1 per core on the "
          + "DirectRunner, which pays a fixed cost per key and bundle; 256 elsewhere, to spread over workers. "
          + "Findings do not depend on it.")
  @Default.Integer(0)
  Integer getKeyShards();

  void setKeyShards(Integer value);

  @Description("Hours an entry's identity is remembered to drop its duplicates (bounds dedupe state in a stream).")
  @Default.Integer(48)
  Integer getDedupeHorizonHours();

  void setDedupeHorizonHours(Integer value);

  @Description(
      "Streaming: minutes an entry may arrive behind the event-time watermark and still be seen in order by the "
          + "stateful rules, which hold their events this long. A later entry is still an event and judged by the "
          + "single-entry rules, and is dead-lettered with reason 'late' for the stateful rules it missed.")
  @Default.Integer(10)
  Integer getAllowedLatenessMinutes();

  void setAllowedLatenessMinutes(Integer value);

  @Description(
      "Streaming: seconds without new input after which the watermark moves up to the newest event time read, so "
          + "a quiet stream still reports everything it has seen (and nothing past it). Also the span of recent "
          + "reads whose oldest event time holds the watermark while input flows.")
  @Default.Integer(30)
  Integer getIdleWatermarkSeconds();

  void setIdleWatermarkSeconds(Integer value);

  @Description(
      "With --inputFiles: seconds between polls of the patterns for new files; > 0 runs as a stream until stopped "
          + "(files already there are read first), 0 = read the files once as a batch.")
  @Default.Integer(0)
  Integer getWatchIntervalSeconds();

  void setWatchIntervalSeconds(Integer value);

  @Description(
      "Streaming: minutes between re-reads of --clusterMetadata and --suppressions, so enrichment follows cluster "
          + "changes and suppressions can be edited without a restart. 0 = read once.")
  @Default.Integer(60)
  Integer getMetadataRefreshMinutes();

  void setMetadataRefreshMinutes(Integer value);

  @Description("Streaming: seconds between NDJSON output panes (findings, events, dead letters) under --outputDir.")
  @Default.Integer(10)
  Integer getOutputFlushSeconds();

  void setOutputFlushSeconds(Integer value);
}
