#!/usr/bin/env bash
# Launches the Flex Template built by build-template.sh as a Dataflow job.
#
#   scripts/run-template.sh --project P --region R --bucket gs://B [--mode batch|streaming] [--job-name NAME]
#                           [--service-account EMAIL] [--max-workers N] [--streaming-mode exactly-once|at-least-once]
#                           [--update] [--dry-run] [-- PIPELINE OPTIONS]
#
#   --project P             project the job runs in
#   --region R              Dataflow region, e.g. europe-west4
#   --bucket gs://B         the template spec gs://B/templates/gke-audit.json; temp and staging files go to
#                           gs://B/temp and gs://B/staging
#   --mode batch            (default) a backfill over exported files: needs --inputFiles
#   --mode streaming        a long-running job on the sink's Pub/Sub subscription: needs --inputSubscription
#                           (Streaming Engine; the streaming knobs, e.g. --allowedLatenessMinutes, go after --)
#   --job-name NAME         default gke-audit-backfill-<UTC time> (batch), gke-audit-stream (streaming)
#   --streaming-mode M      streaming only: exactly-once (default; Dataflow's default, and what the rules' counts and
#                           bursts need) or at-least-once (cheaper, may process a message twice; the pipeline's own
#                           dedupe then keeps findings unique). Chosen here at launch: `flex-template build` drops
#                           the metadata's streaming flags (docs/deployment.md)
#   --service-account EMAIL worker service account (docs/deployment.md: its roles); default: Compute Engine's
#   --max-workers N         autoscaling ceiling
#   --update                replace the running streaming job of the same name, keeping its state
#   --dry-run               print the gcloud command, run nothing
#   -h, --help              this text
#
# After --, pipeline options as the local run takes them, each --name=value (docs/options.md; names are the
# parameters of templates/metadata.json), e.g.
#   scripts/run-template.sh --project my-project --region europe-west4 --bucket gs://my-dataflow -- \
#     --inputFiles='gs://my-audit-export/cloudaudit.googleapis.com/**' --outputDir=gs://my-results/gke-audit \
#     --trustedCidrs=203.0.113.0/24,2001:db8::/32
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$root/scripts/lib/common.sh"

region="" bucket="" mode="batch" job_name="" service_account="" max_workers="" update=0 streaming_mode=""
UNKNOWN_ARGUMENT_HINT="pipeline options go after --"
parse_options "project region bucket mode job-name service-account max-workers streaming-mode" "dry-run update --" "$@"
pipeline_options=("${REST_ARGS[@]}")

require --project "$PROJECT"
require --region "$region"
require --bucket "$bucket"
check_project "$PROJECT"
check_region "$region"
bucket="$(bucket_name "$bucket")"
case "$mode" in
  batch) default_job_name="gke-audit-backfill-$(date -u +%Y%m%d-%H%M%S)"; input=inputFiles; other_input=inputSubscription ;;
  streaming) default_job_name="gke-audit-stream"; input=inputSubscription; other_input=inputFiles ;;
  *) die "--mode must be batch or streaming, got '$mode'" ;;
esac
job_name="${job_name:-$default_job_name}"
[[ "$job_name" =~ ^[a-z]([-a-z0-9]{0,62}[a-z0-9])?$ ]] \
  || die "--job-name must be lower-case letters, digits and hyphens, starting with a letter, got '$job_name'"
[[ -z "$max_workers" || "$max_workers" =~ ^[1-9][0-9]{0,3}$ ]] || die "--max-workers must be a positive number"
[[ -z "$service_account" || "$service_account" =~ ^[^@[:space:]]+@[^@[:space:]]+$ ]] \
  || die "--service-account must be a service account email, got '$service_account'"
case "$streaming_mode" in
  "") ;;
  exactly-once|at-least-once) [[ "$mode" == streaming ]] || die "--streaming-mode is for --mode streaming" ;;
  *) die "--streaming-mode must be exactly-once or at-least-once, got '$streaming_mode'" ;;
esac
[[ "$update" == 0 || "$mode" == streaming ]] || die "--update replaces a running streaming job; use it with --mode streaming"

# gcloud splits a --parameters value on commas, and several options are comma-separated lists (inputFiles,
# trustedCidrs, productionValues). gcloud's escape `^D^` sets another delimiter: use one the value does not contain.
parameter_flag() {
  local pair="$1" delimiter
  if [[ "$pair" != *,* ]]; then
    echo "--parameters=$pair"
    return
  fi
  for delimiter in '~' '|' '#' '@'; do
    if [[ "$pair" != *"$delimiter"* ]]; then
      echo "--parameters=^$delimiter^$pair"
      return
    fi
  done
  die "cannot pass '$pair' to gcloud: it contains commas and every delimiter gcloud could use instead"
}

given=()
parameter_flags=()
for option in "${pipeline_options[@]}"; do
  [[ "$option" =~ ^--([A-Za-z]+)=(.*)$ ]] || die "pipeline options must look like --name=value, got '$option'"
  name="${BASH_REMATCH[1]}"
  # Dataflow rejects a launch whose parameters the template does not declare; say so before anything starts.
  grep -Eq "\"name\": \"$name\"" "$root/templates/metadata.json" \
    || die "--$name is not a parameter of the template (templates/metadata.json); Dataflow settings are flags of this script"
  given+=("$name")
  parameter_flags+=("$(parameter_flag "$name=${BASH_REMATCH[2]}")")
done
has() {
  local name
  for name in "${given[@]}"; do [[ "$name" == "$1" ]] && return 0; done
  return 1
}
has "$input" || die "--mode $mode needs the pipeline option --$input=... after --"
! has "$other_input" || die "--$other_input does not go with --mode $mode"

command=(gcloud dataflow flex-template run "$job_name"
  --project="$PROJECT" --region="$region"
  --template-file-gcs-location="gs://$bucket/templates/gke-audit.json"
  --temp-location="gs://$bucket/temp" --staging-location="gs://$bucket/staging")
[[ -z "$service_account" ]] || command+=(--service-account-email="$service_account")
[[ -z "$max_workers" ]] || command+=(--max-workers="$max_workers")
# Streaming Engine keeps the rules' state and timers in the service rather than on worker disks: smaller workers,
# and updates and autoscaling without moving state.
[[ "$mode" != streaming ]] || command+=(--enable-streaming-engine)
# Exactly-once is Dataflow's default streaming mode: nothing to add. At-least-once is the streaming_mode_at_least_once
# experiment (Dataflow, "Set the pipeline streaming mode").
[[ "$streaming_mode" != at-least-once ]] || command+=(--additional-experiments=streaming_mode_at_least_once)
[[ "$update" == 0 ]] || command+=(--update)
run "${command[@]}" "${parameter_flags[@]}"
