-- Findings, one row per finding_id (the most recently detected copy), without the suppressed ones: the
-- dashboards' default. A replay, a backfill or a restarted stream that detects the same pattern again writes the
-- same id. Adds the event date, a severity rank for sorting, a cluster key and the lists as comma-separated text
-- for Looker Studio. Suppressed findings are in all_findings.
SELECT *
FROM `${project}.${dataset}.all_findings`
-- Filtered after all_findings keeps the newest copy of each finding: a finding suppressed by a later run is left
-- out even if an earlier copy was not suppressed (rows written before suppressions existed have NULL).
WHERE NOT COALESCE(suppressed, FALSE)
