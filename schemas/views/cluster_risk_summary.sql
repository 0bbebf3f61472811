-- One row per cluster: findings by severity (all time and last 30 days), a 30-day risk score (CRITICAL 10,
-- HIGH 5, MEDIUM 2, LOW 1 per finding), weakened controls, changes and denied calls in 30 days, the open
-- rotation if any, and the cluster's latest labels. Findings without a cluster (principal-keyed bursts across
-- clusters) are not attributed to any cluster here; see latest_findings.
WITH finding_stats AS (
  SELECT
    project_id,
    location,
    cluster_name,
    COUNT(*) AS findings,
    COUNTIF(severity = 'CRITICAL') AS critical_findings,
    COUNTIF(severity = 'HIGH') AS high_findings,
    COUNTIF(severity = 'MEDIUM') AS medium_findings,
    COUNTIF(severity = 'LOW') AS low_findings,
    COUNTIF(event_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 30 DAY)) AS findings_30d,
    SUM(
      IF(
        event_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 30 DAY),
        CASE severity WHEN 'CRITICAL' THEN 10 WHEN 'HIGH' THEN 5 WHEN 'MEDIUM' THEN 2 ELSE 1 END,
        0)) AS risk_score_30d,
    STRING_AGG(DISTINCT rule_id, ', ' ORDER BY rule_id) AS rules,
    -- Only posture-weakened findings name a control.
    STRING_AGG(DISTINCT control, ', ' ORDER BY control) AS weakened_controls,
    MAX(event_time) AS last_finding_at
  FROM `${project}.${dataset}.latest_findings`
  WHERE cluster_name IS NOT NULL
  GROUP BY project_id, location, cluster_name
),
activity AS (
  SELECT
    project_id,
    location,
    cluster_name,
    COUNTIF(outcome = 'changed' AND event_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 30 DAY))
      AS changes_30d,
    COUNTIF(outcome = 'denied' AND event_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 30 DAY))
      AS denied_calls_30d,
    COUNT(DISTINCT IF(outcome = 'changed' AND event_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 30 DAY),
      principal, NULL)) AS change_principals_30d,
    MAX(IF(outcome = 'changed', event_time, NULL)) AS last_change_at,
    ARRAY_AGG(
      STRUCT(environment, owner, criticality, release_channel, master_version) ORDER BY event_time DESC LIMIT 1
    )[OFFSET(0)] AS labels
  FROM `${project}.${dataset}.cluster_change_timeline`
  GROUP BY project_id, location, cluster_name
)
SELECT
  project_id,
  location,
  cluster_name,
  CONCAT(project_id, '/', location, '/', cluster_name) AS cluster,
  a.labels.environment,
  a.labels.owner,
  a.labels.criticality,
  a.labels.release_channel,
  a.labels.master_version,
  COALESCE(f.findings, 0) AS findings,
  COALESCE(f.critical_findings, 0) AS critical_findings,
  COALESCE(f.high_findings, 0) AS high_findings,
  COALESCE(f.medium_findings, 0) AS medium_findings,
  COALESCE(f.low_findings, 0) AS low_findings,
  COALESCE(f.findings_30d, 0) AS findings_30d,
  COALESCE(f.risk_score_30d, 0) AS risk_score_30d,
  f.rules,
  f.weakened_controls,
  f.last_finding_at,
  COALESCE(a.changes_30d, 0) AS changes_30d,
  COALESCE(a.change_principals_30d, 0) AS change_principals_30d,
  COALESCE(a.denied_calls_30d, 0) AS denied_calls_30d,
  a.last_change_at,
  r.rotation AS open_rotation,
  r.age_hours AS open_rotation_age_hours
FROM finding_stats AS f
FULL OUTER JOIN activity AS a USING (project_id, location, cluster_name)
LEFT JOIN `${project}.${dataset}.open_rotations` AS r USING (project_id, location, cluster_name)
