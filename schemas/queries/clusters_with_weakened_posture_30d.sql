-- Clusters whose security posture was weakened in the last 30 days (posture-weakened findings): which controls
-- were switched off, by whom, when last, and the remediation of the latest one.
SELECT
  cluster,
  environment,
  owner,
  STRING_AGG(DISTINCT control, ', ' ORDER BY control) AS weakened_controls,
  STRING_AGG(DISTINCT principal, ', ' ORDER BY principal) AS principals,
  COUNT(*) AS findings,
  MAX(event_time) AS last_weakened_at,
  ARRAY_AGG(remediation ORDER BY event_time DESC LIMIT 1)[OFFSET(0)] AS latest_remediation
FROM `${project}.${dataset}.latest_findings`
WHERE event_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 30 DAY)
  AND rule_id = 'posture-weakened'
GROUP BY cluster, environment, owner
ORDER BY last_weakened_at DESC
