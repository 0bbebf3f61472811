-- Who rotated credentials on production clusters this quarter: every successful credential rotation start
-- (StartIPRotation with rotateCredentials) and every completion on a production cluster, with who and from where.
-- "Production" is the environment label the pipeline reads (--environmentLabel, default env); adjust the list to
-- your --productionValues.
SELECT
  event_time,
  cluster,
  method,
  principal,
  initiator,
  caller_ip,
  user_agent,
  operation_id,
  finding_rules
FROM `${project}.${dataset}.cluster_change_timeline`
WHERE event_time >= TIMESTAMP(DATE_TRUNC(CURRENT_DATE(), QUARTER))
  AND environment IN ('prod', 'production')
  AND outcome = 'changed'
  AND ((method = 'StartIPRotation' AND rotate_credentials) OR method = 'CompleteIPRotation')
ORDER BY event_time
