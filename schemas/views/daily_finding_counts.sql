-- Findings per day, rule, severity and cluster (deduplicated). Principal-keyed findings that span clusters
-- (permission-denied-burst, multi-cluster-change) have no cluster and count under a NULL cluster.
SELECT
  event_date,
  rule_id,
  severity,
  severity_rank,
  project_id,
  location,
  cluster_name,
  cluster,
  environment,
  COUNT(*) AS findings,
  COUNT(DISTINCT principal) AS principals
FROM `${project}.${dataset}.latest_findings`
GROUP BY event_date, rule_id, severity, severity_rank, project_id, location, cluster_name, cluster, environment
