#!/usr/bin/env bash
# Creates the Cloud Logging sink that exports GKE ClusterManager audit entries for the pipeline, and lets the sink's
# writer identity write to the destination. Idempotent: an existing sink of that name is kept (describe, then create).
#
#   scripts/create-log-sink.sh --project P (--bucket gs://B | --topic T) [--sink-name NAME] [--dry-run]
#   scripts/create-log-sink.sh (--organization ORG | --folder F) [--include-children] [--project P]
#                              (--bucket gs://B | --topic T) [--sink-name NAME] [--dry-run]
#
#   --project P       project whose audit logs are exported (and of the topic, when T is a bare name); with
#                     --organization or --folder only the project of a bare topic name
#   --organization ORG  an aggregated sink on organization ORG (numeric id): one sink for a whole fleet
#   --folder F        an aggregated sink on folder F (numeric id)
#   --include-children  with --organization/--folder: route the entries of every project below it. GKE audit logs
#                     are written in the clusters' projects, so an aggregated sink without it exports nothing here
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

bucket="" topic="" sink_name="gke-audit" organization="" folder="" include_children=0
parse_options "project bucket topic sink-name organization folder" "dry-run include-children" "$@"

[[ -z "$organization" || -z "$folder" ]] || die "--organization and --folder are exclusive: a sink has one parent"
if [[ -n "$organization" ]]; then
  [[ "$organization" =~ ^[1-9][0-9]{0,19}$ ]] || die "--organization must be a numeric organization id, got '$organization'"
  parent=(--organization="$organization")
elif [[ -n "$folder" ]]; then
  [[ "$folder" =~ ^[1-9][0-9]{0,19}$ ]] || die "--folder must be a numeric folder id, got '$folder'"
  parent=(--folder="$folder")
else
  require --project "$PROJECT"
  [[ "$include_children" == 0 ]] || die "--include-children is for an aggregated sink: give --organization or --folder"
  parent=(--project="$PROJECT")
fi
[[ -z "$PROJECT" ]] || check_project "$PROJECT"
if [[ ${#parent[@]} -gt 0 && "${parent[0]}" != --project=* && "$include_children" == 0 ]]; then
  echo "$SCRIPT_NAME: warning: without --include-children the sink routes only ${parent[0]#--}'s own entries;" \
    "GKE audit logs are written in the clusters' projects" >&2
fi
[[ -n "$bucket" || -n "$topic" ]] || die "a destination is required: --bucket gs://B or --topic T"
[[ -z "$bucket" || -z "$topic" ]] || die "--bucket and --topic are exclusive: one sink has one destination"
[[ "$sink_name" =~ ^[A-Za-z0-9_.-]{1,100}$ ]] \
  || die "--sink-name may hold letters, digits, '_', '-' and '.', up to 100, got '$sink_name'"

if [[ -n "$bucket" ]]; then
  bucket="$(bucket_name "$bucket")"
  destination="storage.googleapis.com/$bucket"
  grant=(gcloud storage buckets add-iam-policy-binding "gs://$bucket" --role=roles/storage.objectCreator)
else
  if [[ "$topic" != */* ]]; then
    [[ -n "$PROJECT" ]] || die "--topic $topic is a bare name: give projects/PROJECT/topics/$topic or --project"
    topic="projects/$PROJECT/topics/$topic"
  fi
  [[ "$topic" =~ ^projects/[a-z][-a-z0-9.:]*[a-z0-9]/topics/[A-Za-z][-A-Za-z0-9_.~+%]{2,254}$ ]] \
    || die "--topic must be a topic name or projects/PROJECT/topics/NAME, got '$topic'"
  destination="pubsub.googleapis.com/$topic"
  grant=(gcloud pubsub topics add-iam-policy-binding "$topic" --role=roles/pubsub.publisher)
fi

create=(gcloud logging sinks create "$sink_name" "$destination" "${parent[@]}" --log-filter="$FILTER"
  --description="GKE ClusterManager audit entries for the gke-audit pipeline")
[[ "$include_children" == 0 ]] || create+=(--include-children)
# Describe first: rerunning the script (or deploy.sh) keeps the sink and only re-applies the grant.
ensure "log sink $sink_name" gcloud logging sinks describe "$sink_name" "${parent[@]}" -- "${create[@]}"
# The sink writes as its own service account (serviceAccount:service-NNN@gcp-sa-logging..., or for a folder or
# organization sink one of that resource's), known once it exists. For an aggregated sink too the grant goes on the
# destination itself, in the destination's project: the bucket or topic above.
describe=(gcloud logging sinks describe "$sink_name" "${parent[@]}" --format='value(writerIdentity)')
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
  echo "Sink $sink_name (${parent[0]#--}) -> $destination, written by $writer" >&2
fi
