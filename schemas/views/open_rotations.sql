-- IP and credential rotations in progress: per cluster, the latest successful StartIPRotation with no later
-- completion. A completion is a successful CompleteIPRotation, or one GKE ran itself (it completes a rotation
-- on its own after 7 days, Google-initiated), or the cluster's deletion. age_hours is measured from now;
-- over_default_limit compares it with the pipeline's default --rotationMaxOpenHours (24).
WITH starts AS (
  SELECT *
  FROM `${project}.${dataset}.cluster_change_timeline`
  WHERE method = 'StartIPRotation' AND outcome = 'changed'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY project_id, location, cluster_name ORDER BY event_time DESC) = 1
),
completions AS (
  SELECT project_id, location, cluster_name, event_time
  FROM `${project}.${dataset}.cluster_change_timeline`
  WHERE (method = 'CompleteIPRotation' AND (outcome = 'changed' OR (initiator = 'GOOGLE' AND outcome = 'ok')))
    OR (method = 'DeleteCluster' AND outcome IN ('ok', 'changed'))
)
SELECT
  s.project_id,
  s.location,
  s.cluster_name,
  s.cluster,
  IF(COALESCE(s.rotate_credentials, FALSE), 'credentials', 'IP only') AS rotation,
  s.event_time AS started_at,
  s.principal AS started_by,
  s.caller_ip,
  s.operation_id,
  s.insert_id AS start_insert_id,
  ROUND(TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), s.event_time, MINUTE) / 60.0, 1) AS age_hours,
  TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), s.event_time, HOUR) >= 24 AS over_default_limit,
  s.environment,
  s.owner,
  s.criticality,
  FORMAT(
    'gcloud container clusters update %s --location %s --project %s --complete-ip-rotation',
    s.cluster_name, s.location, s.project_id) AS complete_command
FROM starts AS s
WHERE NOT EXISTS (
  SELECT 1
  FROM completions AS c
  WHERE c.project_id = s.project_id
    AND c.location = s.location
    AND c.cluster_name = s.cluster_name
    AND c.event_time > s.event_time
)
