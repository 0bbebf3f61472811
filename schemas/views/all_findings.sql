-- Every finding, suppressed ones included (the analysts' view: suppressed and suppressed_by say which entry of the
-- suppressions file matched). One row per finding_id (the most recently detected copy): a replay, a backfill or a
-- restarted stream that detects the same pattern again writes the same id, and the newest copy also carries the
-- newest suppression decision. Adds the event date, a severity rank for sorting, a cluster key and the lists as
-- comma-separated text for Looker Studio.
SELECT
  f.*,
  DATE(f.event_time) AS event_date,
  CASE f.severity WHEN 'CRITICAL' THEN 4 WHEN 'HIGH' THEN 3 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 1 ELSE 0 END
    AS severity_rank,
  IF(f.cluster_name IS NULL, NULL, CONCAT(f.project_id, '/', f.location, '/', f.cluster_name)) AS cluster,
  JSON_VALUE(f.details, '$.control') AS control,  -- the control a posture-weakened finding is about
  ARRAY_TO_STRING(f.risk_categories, ', ') AS risk_category_list,
  ARRAY_TO_STRING(f.mitre_techniques, ', ') AS mitre_technique_list
FROM `${project}.${dataset}.findings` AS f
WHERE TRUE
-- event_time is part of what the id is computed from, so partitioning by it as well changes nothing and lets a
-- date filter on the view prune the table's partitions.
QUALIFY ROW_NUMBER() OVER (PARTITION BY f.finding_id, f.event_time ORDER BY f.detected_at DESC) = 1
