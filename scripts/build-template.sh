#!/usr/bin/env bash
# Builds the Dataflow Flex Template: the bundled jar, the launcher image (templates/Dockerfile, built by Cloud
# Build, pushed to Artifact Registry) and the template spec file in Cloud Storage.
#
#   scripts/build-template.sh --project P --region R --bucket gs://B [--repository AR] [--tag TAG]
#                             [--build-service-account EMAIL] [--dry-run]
#
#   --project P       project that owns the image and runs Cloud Build
#   --region R        region of the Artifact Registry repository and of the build, e.g. europe-west4
#   --bucket gs://B   where the template spec goes: gs://B/templates/gke-audit.json
#   --repository AR   Artifact Registry Docker repository (default gke-audit); create it once with
#                     gcloud artifacts repositories create AR --repository-format=docker --location=R --project=P
#   --tag TAG         image tag (default: the git commit, with -dirty when the work tree has changes)
#   --build-service-account EMAIL
#                     run Cloud Build as this service account (needs roles/artifactregistry.writer on AR,
#                     roles/logging.logWriter, roles/storage.objectAdmin on B; docs/deployment.md). The source is
#                     staged to gs://B/cloudbuild/source and build logs go to gs://B/cloudbuild/logs, as Cloud
#                     Build requires a logs location for a user-specified service account. Default: the project's
#                     default Cloud Build account, which on new projects may lack those permissions
#   --dry-run         print the commands, run nothing
#   -h, --help        this text
#
# The image is R-docker.pkg.dev/P/AR/gke-audit:TAG. Needs an authenticated gcloud and the Cloud Build, Artifact
# Registry and Dataflow APIs (docs/operating-on-dataflow.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$root/scripts/lib/common.sh"

region="" bucket="" repository="gke-audit" tag="" build_service_account=""
parse_options "project region bucket repository tag build-service-account" "dry-run" "$@"

require --project "$PROJECT"
require --region "$region"
require --bucket "$bucket"
check_project "$PROJECT"
check_region "$region"
bucket="$(bucket_name "$bucket")"
[[ "$repository" =~ ^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$ ]] \
  || die "--repository must be an Artifact Registry repository id like gke-audit, got '$repository'"
if [[ -z "$tag" ]]; then
  if tag="$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null)"; then
    git -C "$root" diff --quiet HEAD 2>/dev/null || tag="$tag-dirty"
  else
    tag="$(date -u +%Y%m%d-%H%M%S)"
  fi
fi
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "--tag must be a Docker tag like v1.2 or 1a2b3c4, got '$tag'"

[[ -z "$build_service_account" || "$build_service_account" =~ ^[a-z][-a-z0-9]{4,28}[a-z0-9]@[-a-z0-9.]+\.gserviceaccount\.com$ ]] \
  || die "--build-service-account must be a service account email like gke-audit-build@P.iam.gserviceaccount.com, got '$build_service_account'"

image="$region-docker.pkg.dev/$PROJECT/$repository/gke-audit:$tag"
spec="gs://$bucket/templates/gke-audit.json"
jar="pipeline/target/gke-audit-pipeline-bundled.jar"
context="pipeline/target/flex-template"

# Relative paths: the commands read the same from any clone, and --dry-run prints them as they run.
cd "$root"
run mvn -q -B -DskipTests package
# The template jar is the job alone; the generator and the other tools ship in tools/ (docs/architecture.md).
if [[ "$DRY_RUN" != 1 ]] && jar tf "$jar" | grep '^com/gkeaudit/tools/' >/dev/null; then
  die "$jar holds tool classes (com/gkeaudit/tools): the template jar must contain the pipeline only"
fi
# Cloud Build uploads the whole context directory: give it the Dockerfile and the jar, nothing else.
run rm -rf "$context"
run mkdir -p "$context"
run cp templates/Dockerfile "$jar" "$context/"
build=(gcloud builds submit "$context" --project="$PROJECT" --region="$region" --tag="$image")
if [[ -n "$build_service_account" ]]; then
  build+=(--service-account="projects/$PROJECT/serviceAccounts/$build_service_account"
    --gcs-source-staging-dir="gs://$bucket/cloudbuild/source" --gcs-log-dir="gs://$bucket/cloudbuild/logs")
fi
run "${build[@]}"
run gcloud dataflow flex-template build "$spec" --project="$PROJECT" --image="$image" --sdk-language=JAVA \
  --metadata-file=templates/metadata.json

if [[ "$DRY_RUN" != 1 ]]; then
  echo "Template $spec -> image $image" >&2
  echo "Run it with scripts/run-template.sh --project $PROJECT --region $region --bucket gs://$bucket ..." >&2
fi
