#!/usr/bin/env bash
# Prints a Looker Studio Linking API URL that opens a new report with one BigQuery data source per view of the
# pipeline's dataset (schemas/views/*.sql, created by scripts/setup-bigquery.sh).
#
#   scripts/looker-studio-url.sh --project P --dataset D [--billing-project B] [--report-name NAME] [--template ID]
#
#   --project P            project that holds the dataset
#   --dataset D            the dataset setup-bigquery.sh created
#   --billing-project B    project billed for the dashboard's queries (default: P)
#   --report-name NAME     the new report's name (default: "GKE control-plane audit")
#   --template ID          a Looker Studio report to copy (c.reportId); its data sources must use the aliases
#                          ds0, ds1, ... in the order below. Without it the report starts blank with the data sources
#                          attached; docs/bigquery-and-looker-studio.md describes the pages and charts to add.
#
# Open the URL in a browser signed in with an account that can read the dataset, then "Edit and share" to save.
# Data sources, in alias order: ds0 = the first view file by name, ds1 = the second, ...
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$root/scripts/lib/common.sh"

# This script's errors name its usage rather than --help.
die() {
  echo "error: $*" >&2
  echo "usage: scripts/looker-studio-url.sh --project P --dataset D [--billing-project B] [--report-name NAME] [--template ID]" >&2
  exit 2
}

# Percent-encodes everything but RFC 3986 unreserved characters, byte by byte (UTF-8 safe).
urlencode() {
  local LC_ALL=C text="$1" encoded="" char i
  for ((i = 0; i < ${#text}; i++)); do
    char="${text:i:1}"
    case "$char" in
      [A-Za-z0-9._~-]) encoded+="$char" ;;
      *) encoded+="$(printf '%%%02X' "'$char")" ;;
    esac
  done
  printf '%s' "$encoded"
}

dataset="" billing_project="" report_name="GKE control-plane audit" template=""
parse_options "project dataset billing-project report-name template" "" "$@"
project="$PROJECT"
billing="$billing_project"
[[ -n "$project" ]] || die "--project is required"
[[ -n "$dataset" ]] || die "--dataset is required"
billing="${billing:-$project}"

# The view files in byte order whatever the locale, so the aliases ds0, ds1, ... are stable.
view_files() {
  local LC_ALL=C
  shopt -s nullglob
  printf '%s\n' "$root"/schemas/views/*.sql
}
mapfile -t views < <(view_files)
[[ -n "${views[0]:-}" ]] || die "no views in $root/schemas/views"

params=()
[[ -n "$template" ]] && params+=("c.reportId=$(urlencode "$template")")
params+=("r.reportName=$(urlencode "$report_name")")
alias_index=0
for file in "${views[@]}"; do
  view="$(basename "$file" .sql)"
  ds="ds.ds$alias_index"
  params+=(
    "$ds.connector=bigQuery"
    "$ds.type=TABLE"
    "$ds.projectId=$(urlencode "$project")"
    "$ds.datasetId=$(urlencode "$dataset")"
    "$ds.tableId=$(urlencode "$view")"
    "$ds.billingProjectId=$(urlencode "$billing")"
    "$ds.datasourceName=$(urlencode "$view")"
  )
  alias_index=$((alias_index + 1))
done

query="$(IFS='&'; echo "${params[*]}")"
echo "https://lookerstudio.google.com/reporting/create?$query"
