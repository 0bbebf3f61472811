#!/usr/bin/env bash
# Prints a Looker Studio Linking API URL for the pipeline's dataset (views from schemas/views/*.sql, created by
# scripts/setup-bigquery.sh).
#
#   scripts/looker-studio-url.sh --project P --dataset D [--billing-project B] [--report-name NAME]
#                                [--template ID | --view VIEW]
#
#   --project P            project that holds the dataset
#   --dataset D            the dataset setup-bigquery.sh created
#   --billing-project B    project billed for the dashboard's queries (default: P)
#   --report-name NAME     the new report's name (default: "GKE control-plane audit")
#   --template ID          copy this Looker Studio report (c.reportId) and point its data sources at every view:
#                          the template's data sources must use the aliases ds0, ds1, ... in the order below.
#   --view VIEW            without --template: the one view to open (default latest_findings). The Linking API then
#                          creates Looker Studio's default report with that view as its one embedded data source;
#                          add the other views in the report (Resource > Manage added data sources), or build a
#                          template once and use --template. docs/deployment.md, "Looker Studio".
#
# Open the URL in a browser signed in with an account that can read the dataset, then "Edit and share" to save.
# With --template, data sources in alias order: ds0 = the first view file by name, ds1 = the second, ...
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$root/scripts/lib/common.sh"

# This script's errors name its usage rather than --help.
die() {
  echo "error: $*" >&2
  echo "usage: scripts/looker-studio-url.sh --project P --dataset D [--billing-project B] [--report-name NAME] [--template ID | --view VIEW]" >&2
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

dataset="" billing_project="" report_name="GKE control-plane audit" template="" view=""
parse_options "project dataset billing-project report-name template view" "" "$@"
project="$PROJECT"
billing="$billing_project"
[[ -n "$project" ]] || die "--project is required"
[[ -n "$dataset" ]] || die "--dataset is required"
billing="${billing:-$project}"
[[ -z "$template" || -z "$view" ]] || die "--view is for the default report; a --template gets every view"

# The view files in byte order whatever the locale, so the aliases ds0, ds1, ... are stable.
view_files() {
  local LC_ALL=C
  shopt -s nullglob
  printf '%s\n' "$root"/schemas/views/*.sql
}
mapfile -t views < <(view_files)
[[ -n "${views[0]:-}" ]] || die "no views in $root/schemas/views"

# Without a template the Linking API makes Looker Studio's default report, which holds one data source: configure
# only that one (ds0), so the link does what it says rather than silently dropping the rest.
if [[ -z "$template" ]]; then
  view="${view:-latest_findings}"
  [[ -f "$root/schemas/views/$view.sql" ]] || die "--view must be one of the views in schemas/views, got '$view'"
  views=("$root/schemas/views/$view.sql")
fi

params=()
[[ -n "$template" ]] && params+=("c.reportId=$(urlencode "$template")")
params+=("r.reportName=$(urlencode "$report_name")")
alias_index=0
for file in "${views[@]}"; do
  name="$(basename "$file" .sql)"
  ds="ds.ds$alias_index"
  params+=(
    "$ds.connector=bigQuery"
    "$ds.type=TABLE"
    "$ds.projectId=$(urlencode "$project")"
    "$ds.datasetId=$(urlencode "$dataset")"
    "$ds.tableId=$(urlencode "$name")"
    "$ds.billingProjectId=$(urlencode "$billing")"
    "$ds.datasourceName=$(urlencode "$name")"
  )
  alias_index=$((alias_index + 1))
done

query="$(IFS='&'; echo "${params[*]}")"
echo "https://lookerstudio.google.com/reporting/create?$query"
