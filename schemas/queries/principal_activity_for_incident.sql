-- Everything one principal did to cluster control planes in an incident window, with the findings each entry is
-- evidence for. Replace the principal and the window.
SELECT
  event_time,
  cluster,
  method,
  outcome,
  status_message,
  caller_ip,
  user_agent,
  delegation_chain_list,
  weakened_control_list,
  requested_master_version,
  finding_rules,
  request
FROM `${project}.${dataset}.cluster_change_timeline`
WHERE principal = 'suspect@example.com'
  AND event_time BETWEEN TIMESTAMP('2026-01-01 00:00:00+00') AND TIMESTAMP('2026-01-08 00:00:00+00')
ORDER BY event_time
