#!/usr/bin/env bash
# Creates the Cloud Logging sink that exports GKE ClusterManager audit entries for the pipeline, and lets the sink's
# writer identity write to the destination.
#
#   scripts/create-log-sink.sh --project P (--bucket gs://B | --topic T) [--sink-name NAME] [--dry-run]
#
#   --project P       project whose audit logs are exported (and of the topic, when T is a bare name)
#   --bucket gs://B   batch: hourly NDJSON files under gs://B/cloudaudit.googleapis.com/{activity,data_access}/;
#                     the writer identity gets roles/storage.objectCreator on the bucket
#   --topic T         streaming: a Pub/Sub topic, T or projects/P2/topics/T, that must exist; one LogEntry per
#                     message; the writer identity gets roles/pubsub.publisher on the topic
#   --sink-name NAME  default gke-audit
#   --dry-run         print the commands, run nothing
#   -h, --help        this text
#
# The filter keeps Admin Activity and Data Access entries of the GKE API on clusters and node pools. Data Access
# entries (Get/List calls, and denied reads) exist only where Data Access audit logs are enabled for
# container.googleapis.com (ADMIN_READ); docs/operating-on-dataflow.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$root/scripts/lib/common.sh"

# ClusterManager entries live in these two logs, on these two resource types, under this
# service; everything else (above all the Kubernetes API server's k8s.io audit, most of the volume) stays out.
readonly FILTER='(log_id("cloudaudit.googleapis.com/activity") OR log_id("cloudaudit.googleapis.com/data_access")) AND resource.type=("gke_cluster" OR "gke_nodepool") AND protoPayload.serviceName="container.googleapis.com"'

bucket="" topic="" sink_name="gke-audit"
parse_options "project bucket topic sink-name" "dry-run" "$@"

require --project "$PROJECT"
check_project "$PROJECT"
[[ -n "$bucket" || -n "$topic" ]] || die "a destination is required: --bucket gs://B or --topic T"
[[ -z "$bucket" || -z "$topic" ]] || die "--bucket and --topic are exclusive: one sink has one destination"
[[ "$sink_name" =~ ^[A-Za-z0-9_.-]{1,100}$ ]] \
  || die "--sink-name may hold letters, digits, '_', '-' and '.', up to 100, got '$sink_name'"

if [[ -n "$bucket" ]]; then
  bucket="$(bucket_name "$bucket")"
  destination="storage.googleapis.com/$bucket"
  grant=(gcloud storage buckets add-iam-policy-binding "gs://$bucket" --role=roles/storage.objectCreator)
else
  [[ "$topic" == */* ]] || topic="projects/$PROJECT/topics/$topic"
  [[ "$topic" =~ ^projects/[a-z][-a-z0-9.:]*[a-z0-9]/topics/[A-Za-z][-A-Za-z0-9_.~+%]{2,254}$ ]] \
    || die "--topic must be a topic name or projects/PROJECT/topics/NAME, got '$topic'"
  destination="pubsub.googleapis.com/$topic"
  grant=(gcloud pubsub topics add-iam-policy-binding "$topic" --role=roles/pubsub.publisher)
fi

run gcloud logging sinks create "$sink_name" "$destination" --project="$PROJECT" --log-filter="$FILTER" \
  --description="GKE ClusterManager audit entries for the gke-audit pipeline"
# The sink writes as its own service account (serviceAccount:service-NNN@gcp-sa-logging...), known once it exists.
describe=(gcloud logging sinks describe "$sink_name" --project="$PROJECT" --format='value(writerIdentity)')
if [[ "$DRY_RUN" == 1 ]]; then
  # Printed as a script: the grant reads the identity the describe line captures.
  echo "WRITER_IDENTITY=\$($(quote "${describe[@]}"))"
  echo "$(quote "${grant[@]}") --member=\"\$WRITER_IDENTITY\""
else
  writer="$(run "${describe[@]}")"
  if [[ -z "$writer" ]]; then
    echo "$SCRIPT_NAME: error: the sink $sink_name reports no writer identity; grant it by hand" >&2
    exit 1
  fi
  run "${grant[@]}" --member="$writer"
  echo "Sink $sink_name -> $destination, written by $writer" >&2
fi
