#!/usr/bin/env bash
# From an empty project to a running streaming job: APIs, bucket, BigQuery dataset and tables, Pub/Sub topics and
# subscription, Artifact Registry repository, the worker and build service accounts with their grants, the log sink,
# the template build and the launch. Every step is idempotent (describe, then create; grants are additive), so a
# rerun finishes what a failed run left and changes nothing that exists. docs/deployment.md explains each step.
#
#   scripts/deploy.sh --project P --region R --bucket gs://B [--dataset D] [--bq-location L]
#                     [--organization ORG | --folder F] [--suppressions FILE] [--streaming-mode M]
#                     [--max-workers N] [--dry-run]
#
#   --project P           the project that runs everything (and whose GKE audit logs are exported, without
#                         --organization/--folder)
#   --region R            Dataflow, Cloud Build, Artifact Registry and bucket region, e.g. europe-west4
#   --bucket gs://B       created if missing: template spec, staging and temp files, build source and logs, config
#   --dataset D           BigQuery dataset (default gke_audit)
#   --bq-location L       BigQuery dataset location (default: the region)
#   --organization ORG    export the audit logs of every project under organization ORG (aggregated sink)
#   --folder F            ... or under folder F
#   --suppressions FILE   copied to gs://B/config/suppressions.yaml and passed to the job (re-read every hour)
#   --streaming-mode M    exactly-once (default) or at-least-once (run-template.sh --streaming-mode)
#   --max-workers N       autoscaling ceiling of the job (default 3)
#   --dry-run             print every command, in order, run nothing
#   -h, --help            this text
#
# Needs an authenticated gcloud and bq, Maven and a JDK 17 (the template build), and on the caller: the right to
# enable services, create service accounts and set IAM policies (Owner, or the roles listed in docs/deployment.md),
# and iam.serviceAccountUser on the two service accounts it creates (to launch the job and the build as them).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$root/scripts/lib/common.sh"

region="" bucket="" dataset="gke_audit" bq_location="" organization="" folder="" suppressions=""
streaming_mode="exactly-once" max_workers=3
parse_options "project region bucket dataset bq-location organization folder suppressions streaming-mode max-workers" \
  "dry-run" "$@"

require --project "$PROJECT"
require --region "$region"
require --bucket "$bucket"
check_project "$PROJECT"
check_region "$region"
bucket="$(bucket_name "$bucket")"
[[ "$dataset" =~ ^[A-Za-z0-9_]{1,1024}$ ]] || die "--dataset may hold letters, digits and underscores, got '$dataset'"
bq_location="${bq_location:-$region}"
[[ -z "$organization" || -z "$folder" ]] || die "--organization and --folder are exclusive: a sink has one parent"
if [[ -n "$suppressions" ]]; then
  [[ -f "$suppressions" ]] || die "--suppressions must be a local file, got '$suppressions'"
  suppressions="$(cd "$(dirname "$suppressions")" && pwd)/$(basename "$suppressions")"
fi
case "$streaming_mode" in
  exactly-once|at-least-once) ;;
  *) die "--streaming-mode must be exactly-once or at-least-once, got '$streaming_mode'" ;;
esac
[[ "$max_workers" =~ ^[1-9][0-9]{0,3}$ ]] || die "--max-workers must be a positive number"

readonly REPOSITORY="gke-audit"
readonly ENTRIES_TOPIC="gke-audit-entries" SUBSCRIPTION="gke-audit" FINDINGS_TOPIC="gke-audit-findings"
readonly JOB="gke-audit-stream"
worker="gke-audit-worker@$PROJECT.iam.gserviceaccount.com"
builder="gke-audit-build@$PROJECT.iam.gserviceaccount.com"
flag_args=()
[[ "$DRY_RUN" == 0 ]] || flag_args=(--dry-run)

# Relative paths from the repository root: the dry run prints the same commands from any clone.
cd "$root"

step() {
  if [[ "$DRY_RUN" == 1 ]]; then echo "# $*"; else echo "== $*" >&2; fi
}

# Runs one of the sibling scripts with --dry-run passed on: a dry run prints their commands in sequence.
script() {
  local name="$1"
  shift
  "scripts/$name" "$@" "${flag_args[@]}"
}

step "1. APIs"
run gcloud services enable dataflow.googleapis.com compute.googleapis.com storage.googleapis.com \
  bigquery.googleapis.com bigquerystorage.googleapis.com pubsub.googleapis.com logging.googleapis.com \
  cloudbuild.googleapis.com artifactregistry.googleapis.com iam.googleapis.com --project="$PROJECT"

step "2. Bucket gs://$bucket (templates, staging, temp, build source and logs, config)"
ensure "bucket gs://$bucket" gcloud storage buckets describe "gs://$bucket" --project="$PROJECT" -- \
  gcloud storage buckets create "gs://$bucket" --project="$PROJECT" --location="$region" --uniform-bucket-level-access

step "3. BigQuery dataset $dataset, tables and views (CREATE ... IF NOT EXISTS, CREATE OR REPLACE VIEW)"
run scripts/setup-bigquery.sh --project="$PROJECT" --dataset="$dataset" --location="$bq_location"

step "4. Pub/Sub: the sink's topic and the job's subscription; the alerts topic"
ensure "topic $ENTRIES_TOPIC" gcloud pubsub topics describe "$ENTRIES_TOPIC" --project="$PROJECT" -- \
  gcloud pubsub topics create "$ENTRIES_TOPIC" --project="$PROJECT"
# Seven days of retention: a job stopped for maintenance resumes without losing entries.
ensure "subscription $SUBSCRIPTION" gcloud pubsub subscriptions describe "$SUBSCRIPTION" --project="$PROJECT" -- \
  gcloud pubsub subscriptions create "$SUBSCRIPTION" --project="$PROJECT" --topic="$ENTRIES_TOPIC" \
  --ack-deadline=60 --message-retention-duration=7d
ensure "topic $FINDINGS_TOPIC" gcloud pubsub topics describe "$FINDINGS_TOPIC" --project="$PROJECT" -- \
  gcloud pubsub topics create "$FINDINGS_TOPIC" --project="$PROJECT"

step "5. Artifact Registry repository $REPOSITORY for the launcher image"
ensure "repository $REPOSITORY" gcloud artifacts repositories describe "$REPOSITORY" --project="$PROJECT" \
  --location="$region" -- \
  gcloud artifacts repositories create "$REPOSITORY" --project="$PROJECT" --location="$region" \
  --repository-format=docker --description="GKE audit Flex Template launcher images"

step "6. Service accounts: Dataflow workers (and launcher), Cloud Build"
ensure "service account $worker" gcloud iam service-accounts describe "$worker" --project="$PROJECT" -- \
  gcloud iam service-accounts create gke-audit-worker --project="$PROJECT" \
  --display-name="GKE audit Dataflow worker"
ensure "service account $builder" gcloud iam service-accounts describe "$builder" --project="$PROJECT" -- \
  gcloud iam service-accounts create gke-audit-build --project="$PROJECT" \
  --display-name="GKE audit template build"

step "7. Worker grants (run-flex-templates guide, plus what the job itself reads and writes)"
# Dataflow Worker: the worker VMs lease work items and report status to the Dataflow service.
run gcloud projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$worker" --role=roles/dataflow.worker \
  --condition=None
# Viewer: listed by the run-flex-templates guide for the launcher and worker VMs (the launcher reads the job's
# project resources; the Pub/Sub source reads subscription metadata).
run gcloud projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$worker" --role=roles/viewer \
  --condition=None
# Storage Object Admin on the bucket: read and write the staging and temp files (the guide's "read and write access
# to the staging bucket"), read the template spec, the suppressions file and cluster metadata.
run gcloud storage buckets add-iam-policy-binding "gs://$bucket" --member="serviceAccount:$worker" \
  --role=roles/storage.objectAdmin
# Legacy Bucket Reader on the bucket: storage.buckets.get, which Beam 2.73 calls on the staging bucket (its metadata)
# and which no object role grants.
run gcloud storage buckets add-iam-policy-binding "gs://$bucket" --member="serviceAccount:$worker" \
  --role=roles/storage.legacyBucketReader
# Artifact Registry Reader on the repository: the launcher VM pulls the Flex Template image.
run gcloud artifacts repositories add-iam-policy-binding "$REPOSITORY" --project="$PROJECT" --location="$region" \
  --member="serviceAccount:$worker" --role=roles/artifactregistry.reader
# Pub/Sub Subscriber on the subscription (read and acknowledge), Publisher on the alerts topic.
run gcloud pubsub subscriptions add-iam-policy-binding "$SUBSCRIPTION" --project="$PROJECT" \
  --member="serviceAccount:$worker" --role=roles/pubsub.subscriber
run gcloud pubsub topics add-iam-policy-binding "$FINDINGS_TOPIC" --project="$PROJECT" \
  --member="serviceAccount:$worker" --role=roles/pubsub.publisher
# BigQuery Data Editor on the dataset only (not the project): the Storage Write API appends to the three tables.
run bq --project_id="$PROJECT" query --use_legacy_sql=false \
  "GRANT \`roles/bigquery.dataEditor\` ON SCHEMA \`$PROJECT.$dataset\` TO \"serviceAccount:$worker\""

step "8. Build grants (Cloud Build, user-specified service account)"
run gcloud artifacts repositories add-iam-policy-binding "$REPOSITORY" --project="$PROJECT" --location="$region" \
  --member="serviceAccount:$builder" --role=roles/artifactregistry.writer
run gcloud projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$builder" \
  --role=roles/logging.logWriter --condition=None
run gcloud storage buckets add-iam-policy-binding "gs://$bucket" --member="serviceAccount:$builder" \
  --role=roles/storage.objectAdmin

step "9. Log sink -> topic $ENTRIES_TOPIC (create-log-sink.sh)"
sink_parent=(--project="$PROJECT")
[[ -z "$organization" ]] || sink_parent=(--organization="$organization" --include-children --project="$PROJECT")
[[ -z "$folder" ]] || sink_parent=(--folder="$folder" --include-children --project="$PROJECT")
script create-log-sink.sh "${sink_parent[@]}" --topic="$ENTRIES_TOPIC"

step "10. Template build (build-template.sh)"
script build-template.sh --project="$PROJECT" --region="$region" --bucket="gs://$bucket" \
  --repository="$REPOSITORY" --build-service-account="$builder"

job_options=(--inputSubscription="projects/$PROJECT/subscriptions/$SUBSCRIPTION"
  --findingsTable="$PROJECT:$dataset.findings" --eventsTable="$PROJECT:$dataset.events"
  --deadLetterTable="$PROJECT:$dataset.deadletter" --findingsTopic="projects/$PROJECT/topics/$FINDINGS_TOPIC")
if [[ -n "$suppressions" ]]; then
  step "11. Suppressions file"
  run gcloud storage cp "$suppressions" "gs://$bucket/config/suppressions.yaml" --project="$PROJECT"
  job_options+=(--suppressions="gs://$bucket/config/suppressions.yaml")
fi

step "12. Launch the streaming job $JOB, unless it is running (run-template.sh; to replace it: run-template.sh --update)"
running=(gcloud dataflow jobs list --project="$PROJECT" --region="$region" --status=active
  --filter="name=$JOB" --format="value(id)")
launch=(scripts/run-template.sh --project="$PROJECT" --region="$region" --bucket="gs://$bucket"
  --mode=streaming --job-name="$JOB" --service-account="$worker" --streaming-mode="$streaming_mode"
  --max-workers="$max_workers")
if [[ "$DRY_RUN" == 1 ]]; then
  launch_command="$("${launch[@]}" --dry-run -- "${job_options[@]}")"
  echo "[ -n \"\$($(quote "${running[@]}"))\" ] || $launch_command"
elif [[ -n "$("${running[@]}")" ]]; then
  echo "= job $JOB is running; to deploy a new template into it: scripts/run-template.sh ... --update" >&2
else
  "${launch[@]}" -- "${job_options[@]}"
fi
