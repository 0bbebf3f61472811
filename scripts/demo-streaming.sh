#!/usr/bin/env bash
# Streaming demo on the Pub/Sub emulator: replays the sample export into a local topic, as a Cloud Logging sink
# would, and shows the pipeline's findings arriving.
#
#   scripts/demo-streaming.sh [--port N] [--seed N] [--stable-seconds N] [--project P] [--dry-run]
#
#   --port N            emulator port (default: a free one)
#   --seed N            shuffle seed for the replay (default 42)
#   --stable-seconds N  stop once the findings count has not changed for N seconds (default 60)
#   --project P         Pub/Sub project of the topic and subscription (default demo-project)
#   --dry-run           print the commands, run nothing
#   -h, --help          this text
#
# Steps: start the emulator (gcloud's pubsub-emulator component, or $PUBSUB_EMULATOR_BIN); create the topic
# projects/P/topics/gke-audit and the subscription projects/P/subscriptions/gke-audit; start scripts/run-local.sh
# on the subscription in the background (output in out/stream/, its log in out/stream/pipeline.log); publish
# samples/cloudaudit.googleapis.com in a seeded random order with PublishExport --append-after-last (one k8s.io
# entry 1 s after the latest, which moves the stream's event-time clock past the last real entry); then every 5 s
# print the number of findings and the rules of the new ones, until the count is stable or you press Ctrl-C.
# On exit the pipeline and the emulator are stopped. Needs Java 17, curl, and Maven for the first build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$root/scripts/lib/common.sh"
# shellcheck source=SCRIPTDIR/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"

jar="$root/pipeline/target/gke-audit-pipeline-bundled.jar"
tools_jar="$root/tools/target/gke-audit-tools-bundled.jar"
out_dir="$root/out/stream"
port="" seed=42 stable_seconds=60
parse_options "project port seed stable-seconds" "dry-run" "$@"
PROJECT="${PROJECT:-demo-project}"
[[ -z "$port" || ( "$port" =~ ^[0-9]+$ && "$port" -ge 1024 && "$port" -le 65535 ) ]] \
  || die "--port must be a port number from 1024 to 65535, got '$port'"
[[ "$seed" =~ ^-?[0-9]+$ ]] || die "--seed must be a whole number, got '$seed'"
[[ "$stable_seconds" =~ ^[0-9]+$ && "$stable_seconds" -ge 5 ]] \
  || die "--stable-seconds must be a whole number of at least 5, got '$stable_seconds'"
check_project "$PROJECT"

topic="projects/$PROJECT/topics/gke-audit"
subscription="projects/$PROJECT/subscriptions/gke-audit"

find_emulator
if [[ "$DRY_RUN" == 0 ]]; then
  command -v java >/dev/null || die "java is not installed (Java 17 is needed)"
fi

if [[ -z "$port" ]]; then
  port="$(free_port)"
elif [[ "$DRY_RUN" == 0 ]] && port_in_use "$port"; then
  die "port $port is in use; pass another --port"
fi
root_url="http://localhost:$port"

# Build when the jar is missing or older than the sources (as scripts/run-local.sh does), before anything starts:
# the replay needs the jar while the pipeline starts.
if [[ ! -f "$jar" || ! -f "$tools_jar" \
  || -n "$(find "$root/pipeline/src/main" "$root/pipeline/pom.xml" "$root/pom.xml" "$root/schemas" -newer "$jar" -type f -print -quit)" \
  || -n "$(find "$root/tools/src/main" "$root/tools/pom.xml" -newer "$tools_jar" -type f -print -quit)" ]]; then
  echo "Building the pipeline and tools jars (first run downloads dependencies; this takes a few minutes)..." >&2
  (cd "$root" && run mvn -q -B -DskipTests package) >&2
fi

pipeline_pid=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop pipeline "$pipeline_pid"
  if [[ -n "$pipeline_pid" && -f "$out_dir/pipeline.log" ]]; then
    sed -n '/^GKE control-plane audit/,$p' "$out_dir/pipeline.log" >&2
  fi
  stop "Pub/Sub emulator" "$EMULATOR_PID"
  exit "$status"
}

findings_count() {
  local files=()
  [[ -d "$out_dir/findings" ]] || { echo 0; return; }
  mapfile -t files < <(find "$out_dir/findings" -type f ! -name '.*' ! -path '*/.*')
  if [[ ${#files[@]} == 0 ]]; then
    echo 0
  else
    cat "${files[@]}" | grep -c . || true
  fi
}

# "RULE COUNT" per rule over the findings written so far.
rule_counts() {
  [[ -d "$out_dir/findings" ]] || return 0
  find "$out_dir/findings" -type f ! -name '.*' ! -path '*/.*' -exec cat {} + \
    | grep -o '"rule_id" *: *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort | uniq -c | awk '{print $2, $1}' || true
}

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ "$DRY_RUN" == 0 ]]; then
  # No findings of an earlier demo in the count (run-local.sh clears these too, but only once it runs).
  rm -rf "$out_dir/findings" "$out_dir/events" "$out_dir/deadletter"
  mkdir -p "$out_dir"
fi

# 1. The emulator, until it listens.
start_emulator "$port" "$out_dir/emulator.log"

# 2. Topic and subscription (before anything is published: a topic keeps nothing for later subscribers).
create "$topic"
create "$subscription" "{\"topic\":\"$topic\"}"

# 3. The pipeline, reading the subscription until it is stopped.
start_background "$out_dir/pipeline.log" "$root/scripts/run-local.sh" \
  --inputSubscription="$subscription" --pubsubRootUrl="$root_url" --project="$PROJECT" \
  --clusterMetadata="$root/samples/cluster-metadata.json" --outputDir="$out_dir" --idleWatermarkSeconds=10
pipeline_pid="$started_pid"

# 4. The replay: every sample line, shuffled, then the entry after the last.
run java -cp "$tools_jar" com.gkeaudit.tools.PublishExport --topic "$topic" --pubsubRootUrl "$root_url" \
  --input "$root/samples/cloudaudit.googleapis.com" --shuffle "$seed" --append-after-last

if [[ "$DRY_RUN" == 1 ]]; then
  trap - EXIT
  exit 0
fi

# 5. Findings as they arrive.
expected="$(grep -o '"expected_findings_default_options" *: *[0-9]*' "$root/samples/expected.json" | grep -o '[0-9]*$' || true)"
echo "Watching $out_dir/findings/ (a batch run of the samples gives ${expected:-?} findings); Ctrl-C stops." >&2
previous_counts="" last_count=-1 stable_for=0 started=$SECONDS
while true; do
  sleep 5
  if ! kill -0 "$pipeline_pid" 2>/dev/null; then
    echo "the pipeline stopped; the end of $out_dir/pipeline.log:" >&2
    tail -30 "$out_dir/pipeline.log" >&2
    exit 1
  fi
  count="$(findings_count)"
  counts="$(rule_counts)"
  new="$(awk 'NR == FNR { seen[$1] = $2; next } $2 > seen[$1] + 0 { printf "%s%s +%d", sep, $1, $2 - seen[$1]; sep = ", " }' \
    <(printf '%s\n' "$previous_counts") <(printf '%s\n' "$counts"))"
  previous_counts="$counts"
  printf '%4ds  findings: %s%s\n' "$((SECONDS - started))" "$count" "${new:+  new: $new}"
  if [[ "$count" == "$last_count" ]]; then
    stable_for=$((stable_for + 5))
  else
    stable_for=0
    last_count="$count"
  fi
  if ((stable_for >= stable_seconds)); then
    echo "No new findings for ${stable_seconds} s: $count findings (batch run: ${expected:-?}) in $out_dir/findings/." >&2
    break
  fi
done
