-- Top principals by denied ClusterManager calls (PERMISSION_DENIED or UNAUTHENTICATED) in the last 30 days,
-- with how many clusters and methods they tried and from which IPs: probing, a stolen credential, or a
-- broken automation that lost its role. Counts distinct entries (the events table is written at least once).
SELECT
  principal,
  COUNT(DISTINCT CONCAT(log_name, insert_id)) AS denied_calls,
  COUNT(DISTINCT CONCAT(project_id, '/', location, '/', cluster_name)) AS clusters,
  STRING_AGG(DISTINCT method, ', ' ORDER BY method) AS methods,
  STRING_AGG(DISTINCT caller_ip, ', ' ORDER BY caller_ip) AS caller_ips,
  MIN(event_time) AS first_denied_at,
  MAX(event_time) AS last_denied_at
FROM `${project}.${dataset}.events`
WHERE event_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 30 DAY)
  AND denied_call
GROUP BY principal
ORDER BY denied_calls DESC
LIMIT 20
