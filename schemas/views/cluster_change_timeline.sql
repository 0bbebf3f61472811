-- Every control-plane write (Admin Activity entry) and every denied call on a cluster, in time order, each
-- entry once (the events table is written at least once), with its outcome and the rules it is evidence for.
WITH entries AS (
  SELECT *
  FROM `${project}.${dataset}.events`
  WHERE cluster_name IS NOT NULL AND cluster_name != '' AND (log_type = 'activity' OR denied_call)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY log_name, insert_id, event_time ORDER BY receive_time) = 1
),
evidence AS (
  SELECT
    evidence_insert_id AS insert_id,
    STRING_AGG(DISTINCT rule_id, ', ' ORDER BY rule_id) AS finding_rules,
    MAX(severity_rank) AS finding_severity_rank
  FROM `${project}.${dataset}.latest_findings`, UNNEST(evidence_insert_ids) AS evidence_insert_id
  GROUP BY evidence_insert_id
)
SELECT
  e.event_time,
  DATE(e.event_time) AS event_date,
  e.project_id,
  e.location,
  e.cluster_name,
  CONCAT(e.project_id, '/', e.location, '/', e.cluster_name) AS cluster,
  e.nodepool_name,
  e.method,
  CASE
    WHEN e.denied_call THEN 'denied'
    WHEN COALESCE(e.status_code, 0) != 0 THEN 'failed'
    WHEN e.successful_change THEN 'changed'
    WHEN e.operation_last AND NOT COALESCE(e.operation_first, FALSE) THEN 'operation finished'
    ELSE 'ok'
  END AS outcome,
  e.successful_change,
  e.principal,
  e.initiator,
  e.caller_ip,
  e.user_agent,
  e.operation_id,
  e.status_code,
  e.status_message,
  e.requested_master_version,
  e.rotate_credentials,
  ARRAY_TO_STRING(e.weakened_controls, ', ') AS weakened_control_list,
  ARRAY_TO_STRING(e.delegation_chain, ' -> ') AS delegation_chain_list,
  e.request,
  e.environment,
  e.owner,
  e.criticality,
  e.release_channel,
  e.master_version,
  e.insert_id,
  ev.finding_rules,
  ev.finding_severity_rank
FROM entries AS e
LEFT JOIN evidence AS ev USING (insert_id)
