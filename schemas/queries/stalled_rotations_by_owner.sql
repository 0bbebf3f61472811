-- Rotations open longer than the pipeline's default limit (24 h), by cluster owner: who has to run the
-- completion command. A credential rotation left open keeps the old cluster CA valid.
SELECT
  owner,
  cluster,
  rotation,
  started_at,
  started_by,
  age_hours,
  complete_command
FROM `${project}.${dataset}.open_rotations`
WHERE over_default_limit
ORDER BY owner, age_hours DESC
