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
# Runs com.gkeaudit.tools.SetupBigQuery from the tools jar, building it when missing. Without --dry-run it uses
# your Application Default Credentials (gcloud auth application-default login).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$root/scripts/lib/common.sh"
jar="$root/tools/target/gke-audit-tools-bundled.jar"

# This script's errors name its usage rather than --help.
die() {
  echo "error: $*" >&2
  echo "usage: scripts/setup-bigquery.sh --project P --dataset D [--location L] [--partition-expiration-days N] [--dry-run]" >&2
  exit 2
}

dataset="" location="" partition_expiration_days=""
parse_options "project dataset location partition-expiration-days" "dry-run" "$@"
project="$PROJECT"
[[ -n "$project" ]] || die "--project is required"
[[ -n "$dataset" ]] || die "--dataset is required"
args=("--project=$project" "--dataset=$dataset")
[[ -n "$location" ]] && args+=("--location=$location")
[[ -n "$partition_expiration_days" ]] && args+=("--partition-expiration-days=$partition_expiration_days")
[[ "$DRY_RUN" == 1 ]] && args+=("--dry-run")

if [[ ! -f "$jar" ]]; then
  echo "Building the tools jar (first run downloads dependencies; this takes a few minutes)..." >&2
  (cd "$root" && mvn -q -B -DskipTests -pl tools -am package) >&2
fi

exec java -cp "$jar" com.gkeaudit.tools.SetupBigQuery "${args[@]}"
