package com.gkeaudit.options;

import com.gkeaudit.options.Parameter.Group;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * The command line. Every option is declared once, here: its help text ({@code @Description}), default
 * ({@code @Default}) and kind ({@link Parameter}). {@link OptionsValidator} checks values by their kind, and
 * templates/metadata.json and docs/options.md are generated from these declarations
 * (scripts/generate-option-docs.sh; a test fails when they are stale). Extends {@link PubsubOptions} for
 * {@code --pubsubRootUrl} (the Pub/Sub emulator).
 */
public interface GkeAuditOptions extends PubsubOptions {
  @Description(
      "Batch input: comma-separated file patterns (gs://, or local paths in a local run) of a Cloud "
          + "Logging sink's export, one LogEntry JSON per line; .gz files are read transparently and ** "
          + "matches across folders. Use this or inputSubscription, not both.")
  @Parameter(
      label = "Audit-log export files (batch)",
      group = Group.INPUT,
      kind = ParameterKind.FILE_PATTERNS,
      examples = {
        "gs://my-audit-export/cloudaudit.googleapis.com/**",
        "gs://my-audit-export/cloudaudit.googleapis.com/activity/2024/05/**,"
            + "gs://my-audit-export/cloudaudit.googleapis.com/data_access/2024/05/**"
      })
  String getInputFiles();

  void setInputFiles(String value);

  @Description(
      "Streaming input: the Pub/Sub subscription of a Cloud Logging sink's topic; message data is one "
          + "LogEntry JSON, event time from the sink's logging.googleapis.com/timestamp attribute. Use this "
          + "or inputFiles, not both. The job runs as a stream until drained; one reader serves the whole "
          + "subscription.")
  @Parameter(
      label = "Pub/Sub subscription of the log sink (streaming)",
      group = Group.INPUT,
      kind = ParameterKind.SUBSCRIPTION,
      examples = {"projects/my-project/subscriptions/gke-audit"})
  String getInputSubscription();

  void setInputSubscription(String value);

  @Description(
      "Batch and streaming: a Cloud Storage file pattern of a Cloud Asset Inventory export of "
          + "container.googleapis.com/Cluster assets (NDJSON, one asset per line). It supplies labels for "
          + "severity, maintenance windows and master versions. Without it, enrichment uses what the events "
          + "themselves say.")
  @Parameter(
      label = "Cluster metadata (Cloud Asset Inventory export)",
      group = Group.INPUT,
      kind = ParameterKind.FILE_PATTERN,
      examples = {"gs://my-cai-export/gke/clusters-*.json"})
  String getClusterMetadata();

  void setClusterMetadata(String value);

  @Description(
      "Batch and streaming: a Cloud Storage folder for newline-delimited JSON output, written to "
          + "findings/, events/ and deadletter/ below it, in the BigQuery tables' schema; a stream writes a "
          + "new file per pane every outputFlushSeconds. Give this, or findingsTable and deadLetterTable, or "
          + "both.")
  @Parameter(
      label = "Output folder for NDJSON files",
      group = Group.OUTPUT,
      kind = ParameterKind.OUTPUT_FOLDER,
      examples = {"gs://my-audit-results/gke-audit/2024-05"})
  String getOutputDir();

  void setOutputDir(String value);

  @Description(
      "Batch and streaming: a Pub/Sub topic that receives every finding that is not suppressed, once, "
          + "as its findings row in JSON, with attributes rule_id, severity, project_id, cluster_name (empty "
          + "for findings that span clusters) and finding_id for subscription filters.")
  @Parameter(
      label = "Pub/Sub topic for alerts",
      group = Group.OUTPUT,
      kind = ParameterKind.TOPIC,
      examples = {"projects/my-project/topics/gke-audit-findings"})
  String getFindingsTopic();

  void setFindingsTopic(String value);

  @Description(
      "Batch and streaming: a Cloud Storage file of suppression entries (rule_id, principal, "
          + "project_id, cluster_name as globs with *, optional until in RFC 3339, required reason). A "
          + "matched finding is still written, with suppressed true and suppressed_by its reason, but not "
          + "published to findingsTopic. A malformed file stops the launch. A stream re-reads it every "
          + "metadataRefreshMinutes.")
  @Parameter(
      label = "Suppressions file (YAML or JSON)",
      group = Group.OUTPUT,
      kind = ParameterKind.FILE,
      examples = {"gs://my-dataflow/config/suppressions.yaml"})
  String getSuppressions();

  void setSuppressions(String value);

  @Description(
      "Batch and streaming: the BigQuery table for findings, PROJECT:DATASET.TABLE, written exactly "
          + "once with the Storage Write API and created when missing (schema schemas/findings.json, "
          + "day-partitioned on event_time). Without outputDir, this and deadLetterTable are required.")
  @Parameter(
      label = "BigQuery findings table",
      group = Group.OUTPUT,
      kind = ParameterKind.TABLE,
      examples = {"my-project:gke_audit.findings"})
  String getFindingsTable();

  void setFindingsTable(String value);

  @Description(
      "Batch and streaming: the BigQuery table for the enriched ClusterManager events, "
          + "PROJECT:DATASET.TABLE, written at least once (rows carry their LogEntry identity) and created "
          + "when missing (schema schemas/events.json).")
  @Parameter(
      label = "BigQuery events table",
      group = Group.OUTPUT,
      kind = ParameterKind.TABLE,
      examples = {"my-project:gke_audit.events"})
  String getEventsTable();

  void setEventsTable(String value);

  @Description(
      "Batch and streaming: the BigQuery table for input records that are not LogEntries and for rows "
          + "the other tables rejected, PROJECT:DATASET.TABLE, created when missing (schema "
          + "schemas/deadletter.json). Without outputDir, this and findingsTable are required.")
  @Parameter(
      label = "BigQuery dead-letter table",
      group = Group.OUTPUT,
      kind = ParameterKind.TABLE,
      examples = {"my-project:gke_audit.deadletter"})
  String getDeadLetterTable();

  void setDeadLetterTable(String value);

  @Description(
      "ip-rotation-stalled and credential-rotation-stalled: hours a started IP or credential rotation "
          + "may stay open before it is reported. Batch and streaming; in both, a deadline after the last "
          + "event time of the input is not reported.")
  @Default.Integer(24)
  @Parameter(label = "Hours before a rotation is stalled", group = Group.RULES, kind = ParameterKind.POSITIVE)
  Integer getRotationMaxOpenHours();

  void setRotationMaxOpenHours(Integer value);

  @Description(
      "change-burst: successful changes on one cluster within burstWindowMinutes that make a burst.")
  @Default.Integer(4)
  @Parameter(label = "Changes that make a change-burst", group = Group.RULES, kind = ParameterKind.POSITIVE)
  Integer getBurstThreshold();

  void setBurstThreshold(Integer value);

  @Description(
      "change-burst: length of the sliding window, in minutes.")
  @Default.Integer(60)
  @Parameter(label = "change-burst window (minutes)", group = Group.RULES, kind = ParameterKind.POSITIVE)
  Integer getBurstWindowMinutes();

  void setBurstWindowMinutes(Integer value);

  @Description(
      "permission-denied-burst: denied calls (PERMISSION_DENIED or UNAUTHENTICATED) by one principal "
          + "within deniedWindowMinutes that make a burst.")
  @Default.Integer(5)
  @Parameter(
      label = "Denied calls that make a permission-denied-burst",
      group = Group.RULES,
      kind = ParameterKind.POSITIVE)
  Integer getDeniedThreshold();

  void setDeniedThreshold(Integer value);

  @Description(
      "permission-denied-burst: length of the sliding window, in minutes.")
  @Default.Integer(60)
  @Parameter(label = "permission-denied-burst window (minutes)", group = Group.RULES, kind = ParameterKind.POSITIVE)
  Integer getDeniedWindowMinutes();

  void setDeniedWindowMinutes(Integer value);

  @Description(
      "multi-cluster-change: distinct clusters changed by one principal within fanoutWindowMinutes that "
          + "make a burst.")
  @Default.Integer(5)
  @Parameter(label = "Clusters that make a multi-cluster-change", group = Group.RULES, kind = ParameterKind.POSITIVE)
  Integer getFanoutThreshold();

  void setFanoutThreshold(Integer value);

  @Description(
      "multi-cluster-change: length of the sliding window, in minutes.")
  @Default.Integer(60)
  @Parameter(label = "multi-cluster-change window (minutes)", group = Group.RULES, kind = ParameterKind.POSITIVE)
  Integer getFanoutWindowMinutes();

  void setFanoutWindowMinutes(Integer value);

  @Description(
      "new-principal: a principal is new on a cluster when it made no successful change there in this "
          + "many days. In streaming, state for a principal is kept this long.")
  @Default.Integer(30)
  @Parameter(label = "new-principal lookback (days)", group = Group.RULES, kind = ParameterKind.POSITIVE)
  Integer getPrincipalLookbackDays();

  void setPrincipalLookbackDays(Integer value);

  @Description(
      "new-principal: days of observed history a cluster needs (from its first ClusterManager entry in "
          + "the input) before the rule can fire on it; 0 fires from the first change. A batch backfill "
          + "shorter than this reports no new principals.")
  @Default.Integer(7)
  @Parameter(label = "new-principal baseline (days)", group = Group.RULES, kind = ParameterKind.COUNT)
  Integer getBaselineDays();

  void setBaselineDays(Integer value);

  @Description(
      "rare-method: successful changes a principal must have made (any cluster) in the preceding "
          + "principalLookbackDays before a change method it has not used in that span is reported; 0 needs "
          + "none.")
  @Default.Integer(5)
  @Parameter(label = "rare-method minimum history (changes)", group = Group.RULES, kind = ParameterKind.COUNT)
  Integer getRareMethodMinHistory();

  void setRareMethodMinHistory(Integer value);

  @Description(
      "change-volume-anomaly: a principal's successful changes in one UTC day must exceed at least this "
          + "many (and mean + volumeSigma standard deviations of its baseline days).")
  @Default.Integer(10)
  @Parameter(label = "change-volume-anomaly floor (changes per day)", group = Group.RULES, kind = ParameterKind.COUNT)
  Integer getVolumeMinChanges();

  void setVolumeMinChanges(Integer value);

  @Description(
      "change-volume-anomaly: how many population standard deviations above the principal's mean daily "
          + "changes a day must exceed; a decimal number, zero or more.")
  @Default.Double(3.0)
  @Parameter(
      label = "change-volume-anomaly sigma",
      group = Group.RULES,
      kind = ParameterKind.DECIMAL,
      examples = {"2.5"})
  Double getVolumeSigma();

  void setVolumeSigma(Double value);

  @Description(
      "change-volume-anomaly: the whole UTC days before a day that form the principal's baseline (days "
          + "before its first entry do not count; at least baselineDays of them are needed).")
  @Default.Integer(14)
  @Parameter(label = "change-volume-anomaly baseline (days)", group = Group.RULES, kind = ParameterKind.POSITIVE)
  Integer getVolumeBaselineDays();

  void setVolumeBaselineDays(Integer value);

  @Description(
      "denied-then-changed: minutes after a permission-denied-burst finding within which the "
          + "principal's first successful change is reported.")
  @Default.Integer(60)
  @Parameter(label = "denied-then-changed window (minutes)", group = Group.RULES, kind = ParameterKind.POSITIVE)
  Integer getEscalationWindowMinutes();

  void setEscalationWindowMinutes(Integer value);

  @Description(
      "untrusted-source: comma-separated IPv4 and IPv6 CIDRs (or single addresses) that callers may "
          + "come from; caller IPs logged as private or gce-internal-ip count as inside. Empty (the default) "
          + "turns the rule off.")
  @Default.String("")
  @Parameter(
      label = "Trusted networks (CIDRs)",
      group = Group.RULES,
      kind = ParameterKind.CIDRS,
      examples = {"203.0.113.0/24,2001:db8::/32", "10.0.0.0/8"})
  String getTrustedCidrs();

  void setTrustedCidrs(String value);

  @Description(
      "Severity: the cluster label key that holds the environment; a value listed in productionValues "
          + "raises a finding's severity one level.")
  @Default.String("env")
  @Parameter(label = "Environment label key", group = Group.SEVERITY, kind = ParameterKind.LABEL_KEY)
  String getEnvironmentLabel();

  void setEnvironmentLabel(String value);

  @Description(
      "Severity: comma-separated values of the environment label (lower case) that mark a production "
          + "cluster.")
  @Default.String("prod,production")
  @Parameter(label = "Production environment values", group = Group.SEVERITY, kind = ParameterKind.LABEL_VALUES)
  String getProductionValues();

  void setProductionValues(String value);

  @Description(
      "Severity: the cluster label key that holds the criticality; the values high and critical raise a "
          + "finding's severity one level.")
  @Default.String("criticality")
  @Parameter(label = "Criticality label key", group = Group.SEVERITY, kind = ParameterKind.LABEL_KEY)
  String getCriticalityLabel();

  void setCriticalityLabel(String value);

  @Description(
      "Performance: how many keys the keyed steps (file reading, dedupe, "
          + "per-cluster/principal/operation rules) spread their work over. 0 = automatic: 256 on Dataflow, 1 "
          + "per core on the DirectRunner. Findings do not depend on it.")
  @Default.Integer(0)
  @Parameter(label = "Key shards", group = Group.PROCESSING, kind = ParameterKind.COUNT, max = 99999)
  Integer getKeyShards();

  void setKeyShards(Integer value);

  @Description(
      "Duplicates: hours after an entry's event time that its identity (logName, insertId, timestamp) "
          + "is remembered to drop its copies. Batch and streaming; in a stream it bounds the state kept per "
          + "entry, so a copy arriving later than this is processed again.")
  @Default.Integer(48)
  @Parameter(label = "Duplicate detection horizon (hours)", group = Group.PROCESSING, kind = ParameterKind.POSITIVE)
  Integer getDedupeHorizonHours();

  void setDedupeHorizonHours(Integer value);

  @Description(
      "Streaming: minutes an entry may arrive behind the event-time watermark and still be seen in "
          + "order by the stateful rules, which hold their events this long. A later entry is still an event "
          + "and judged by the single-entry rules, and is dead-lettered with reason late for the stateful "
          + "rules it missed. 0 = no lateness. Batch ignores it.")
  @Default.Integer(10)
  @Parameter(label = "Allowed lateness (minutes, streaming)", group = Group.PROCESSING, kind = ParameterKind.COUNT)
  Integer getAllowedLatenessMinutes();

  void setAllowedLatenessMinutes(Integer value);

  @Description(
      "Streaming: seconds without new input after which the watermark moves up to just past the newest "
          + "event time read, so a quiet stream reports everything it has seen and nothing past it; up to 10 s "
          + "of it is also the span of recent reads whose oldest event time holds the watermark while input "
          + "flows (local source). Batch ignores it.")
  @Default.Integer(30)
  @Parameter(label = "Idle watermark (seconds, streaming)", group = Group.PROCESSING, kind = ParameterKind.POSITIVE)
  Integer getIdleWatermarkSeconds();

  void setIdleWatermarkSeconds(Integer value);

  @Description(
      "With inputFiles: seconds between polls of the patterns for new export files; greater than 0 runs "
          + "the job as a stream until it is cancelled or drained (files already there are read first), 0 "
          + "reads the files once as a batch.")
  @Default.Integer(0)
  @Parameter(label = "Watch interval for inputFiles (seconds)", group = Group.INPUT, kind = ParameterKind.COUNT)
  Integer getWatchIntervalSeconds();

  void setWatchIntervalSeconds(Integer value);

  @Description(
      "Streaming: minutes between re-reads of clusterMetadata and suppressions, so enrichment follows "
          + "cluster changes and suppressions can be edited without a restart; 0 reads them once at start. "
          + "Batch reads it once.")
  @Default.Integer(60)
  @Parameter(
      label = "Cluster metadata refresh (minutes, streaming)",
      group = Group.PROCESSING,
      kind = ParameterKind.COUNT)
  Integer getMetadataRefreshMinutes();

  void setMetadataRefreshMinutes(Integer value);

  @Description(
      "Streaming with outputDir: seconds between NDJSON output panes; each pane writes one new file per "
          + "output (findings, events, dead letters) holding the rows since the previous one. Batch writes "
          + "once at the end.")
  @Default.Integer(10)
  @Parameter(
      label = "Output pane interval (seconds, streaming)",
      group = Group.PROCESSING,
      kind = ParameterKind.POSITIVE)
  Integer getOutputFlushSeconds();

  void setOutputFlushSeconds(Integer value);
}
