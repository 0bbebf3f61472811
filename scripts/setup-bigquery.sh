#!/usr/bin/env bash
# Creates the pipeline's BigQuery dataset, its three tables and the dashboard views, idempotently.
#
#   scripts/setup-bigquery.sh --project P --dataset D [--location L] [--partition-expiration-days N] [--dry-run]
#
#   --project P                      Google Cloud project that holds the dataset
#   --dataset D                      dataset name (letters, digits, underscores)
#   --location L                     dataset location, e.g. US, EU, europe-west1 (BigQuery's default when omitted)
#   --partition-expiration-days N    drop table partitions older than N days (kept forever when omitted)
#   --dry-run                        print the DDL it would run and contact nothing
#
# Tables get CREATE TABLE IF NOT EXISTS (day partitions on the event date, clustering, descriptions; columns from
# schemas/*.json), views CREATE OR REPLACE VIEW (schemas/views/*.sql): rerunning it is safe and updates the views.
# Runs com.gkeaudit.tools.SetupBigQuery from the bundled jar, building it when missing. Without --dry-run it uses
# your Application Default Credentials (gcloud auth application-default login).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/pipeline/target/gke-audit-pipeline-bundled.jar"

usage() {
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
  echo "error: $*" >&2
  echo "usage: scripts/setup-bigquery.sh --project P --dataset D [--location L] [--partition-expiration-days N] [--dry-run]" >&2
  exit 2
}

args=()
project=""
dataset=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --dry-run) args+=("--dry-run"); shift ;;
    --project|--dataset|--location|--partition-expiration-days)
      [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || die "$1 needs a value"
      [[ "$1" == --project ]] && project="$2"
      [[ "$1" == --dataset ]] && dataset="$2"
      args+=("$1=$2"); shift 2 ;;
    --project=*|--dataset=*|--location=*|--partition-expiration-days=*)
      [[ "$1" == --project=* ]] && project="${1#*=}"
      [[ "$1" == --dataset=* ]] && dataset="${1#*=}"
      args+=("$1"); shift ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ -n "$project" ]] || die "--project is required"
[[ -n "$dataset" ]] || die "--dataset is required"

if [[ ! -f "$jar" ]]; then
  echo "Building the bundled jar (first run downloads dependencies; this takes a few minutes)..." >&2
  (cd "$root" && mvn -q -B -DskipTests package) >&2
fi

exec java -cp "$jar" com.gkeaudit.tools.SetupBigQuery "${args[@]}"
