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

jar="$root/pipeline/target/gke-audit-pipeline-bundled.jar"
out_dir="$root/out/stream"
port="" seed=42 stable_seconds=60
while [[ $# -gt 0 ]]; do
  arg="$1"
  shift
  case "$arg" in
    --project|--port|--seed|--stable-seconds)
      [[ $# -gt 0 ]] || die "$arg needs a value"
      arg="$arg=$1"
      shift ;;
  esac
  common_option "$arg" && continue
  case "$arg" in
    --port=*) port="${arg#*=}" ;;
    --seed=*) seed="${arg#*=}" ;;
    --stable-seconds=*) stable_seconds="${arg#*=}" ;;
    *) die "unknown argument '$arg'" ;;
  esac
done
PROJECT="${PROJECT:-demo-project}"
[[ -z "$port" || ( "$port" =~ ^[0-9]+$ && "$port" -ge 1024 && "$port" -le 65535 ) ]] \
  || die "--port must be a port number from 1024 to 65535, got '$port'"
[[ "$seed" =~ ^-?[0-9]+$ ]] || die "--seed must be a whole number, got '$seed'"
[[ "$stable_seconds" =~ ^[0-9]+$ && "$stable_seconds" -ge 5 ]] \
  || die "--stable-seconds must be a whole number of at least 5, got '$stable_seconds'"
check_project "$PROJECT"

topic="projects/$PROJECT/topics/gke-audit"
subscription="projects/$PROJECT/subscriptions/gke-audit"

# The emulator: $PUBSUB_EMULATOR_BIN, else gcloud's component.
emulator="${PUBSUB_EMULATOR_BIN:-}"
if [[ -z "$emulator" ]]; then
  if command -v gcloud >/dev/null; then
    emulator="$(gcloud info --format='value(installation.sdk_root)')/platform/pubsub-emulator/bin/cloud-pubsub-emulator"
  elif [[ "$DRY_RUN" == 1 ]]; then
    emulator="SDK_ROOT/platform/pubsub-emulator/bin/cloud-pubsub-emulator"
  else
    die "gcloud is not installed: set PUBSUB_EMULATOR_BIN to the cloud-pubsub-emulator script"
  fi
fi
if [[ "$DRY_RUN" == 0 ]]; then
  [[ -x "$emulator" ]] || die "no Pub/Sub emulator at $emulator (gcloud components install pubsub-emulator, or apt-get install google-cloud-cli-pubsub-emulator; or set PUBSUB_EMULATOR_BIN)"
  command -v curl >/dev/null || die "curl is not installed"
  command -v java >/dev/null || die "java is not installed (Java 17 is needed)"
fi

# Whether something listens on localhost:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

if [[ -z "$port" ]]; then
  for _ in $(seq 50); do
    candidate=$((20000 + RANDOM % 40000))
    if ! port_in_use "$candidate"; then
      port="$candidate"
      break
    fi
  done
  [[ -n "$port" ]] || die "found no free port; pass --port"
elif [[ "$DRY_RUN" == 0 ]] && port_in_use "$port"; then
  die "port $port is in use; pass another --port"
fi
root_url="http://localhost:$port"

# Build when the jar is missing or older than the sources (as scripts/run-local.sh does), before anything starts:
# the replay needs the jar while the pipeline starts.
if [[ ! -f "$jar" || -n "$(find "$root/pipeline/src/main" "$root/pipeline/pom.xml" "$root/pom.xml" "$root/schemas" -newer "$jar" -type f -print -quit)" ]]; then
  echo "Building the bundled jar (first run downloads dependencies; this takes a few minutes)..." >&2
  (cd "$root" && run mvn -q -B -DskipTests package) >&2
fi

emulator_pid="" pipeline_pid=""

# Stops a background process and its children: TERM, then KILL after 30 s (on TERM the pipeline first writes its
# pending output, then prints its summary).
stop() {
  local name="$1" pid="$2" children
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  echo "stopping the $name (pid $pid)..." >&2
  children="$(pgrep -P "$pid" || true)"
  # shellcheck disable=SC2086 # one pid per word
  kill -TERM "$pid" $children 2>/dev/null || true
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL "$pid" $children 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop pipeline "$pipeline_pid"
  if [[ -n "$pipeline_pid" && -f "$out_dir/pipeline.log" ]]; then
    sed -n '/^GKE control-plane audit/,$p' "$out_dir/pipeline.log" >&2
  fi
  stop "Pub/Sub emulator" "$emulator_pid"
  exit "$status"
}

# Prints (dry run) or starts a command in the background with its output in a log file; sets $started_pid.
start_background() {
  local log="$1"
  shift
  if [[ "$DRY_RUN" == 1 ]]; then
    echo "$(quote "$@") >$(quote "$log") 2>&1 &"
    started_pid=""
    return
  fi
  echo "+ $(quote "$@") >$(quote "$log") 2>&1 &" >&2
  "$@" >"$log" 2>&1 </dev/null &
  started_pid=$!
}

# Creates a topic or (with a body) a subscription on the emulator.
create() {
  local resource="$1" body="${2:-}"
  run curl -sS --fail-with-body -o /dev/null -X PUT -H 'Content-Type: application/json' ${body:+--data "$body"} \
    "$root_url/v1/$resource"
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
start_background "$out_dir/emulator.log" "$emulator" --host=localhost --port="$port"
emulator_pid="$started_pid"
if [[ "$DRY_RUN" == 0 ]]; then
  for ((i = 0; ; i++)); do
    grep -q "Server started, listening on $port" "$out_dir/emulator.log" 2>/dev/null && break
    kill -0 "$emulator_pid" 2>/dev/null || { tail -20 "$out_dir/emulator.log" >&2; die "the Pub/Sub emulator exited"; }
    ((i < 600)) || { tail -20 "$out_dir/emulator.log" >&2; die "the Pub/Sub emulator was not ready within 60 s"; }
    sleep 0.1
  done
  echo "Pub/Sub emulator listening on $root_url (log: $out_dir/emulator.log)" >&2
fi

# 2. Topic and subscription (before anything is published: a topic keeps nothing for later subscribers).
create "$topic"
create "$subscription" "{\"topic\":\"$topic\"}"

# 3. The pipeline, reading the subscription until it is stopped.
start_background "$out_dir/pipeline.log" "$root/scripts/run-local.sh" \
  --inputSubscription="$subscription" --pubsubRootUrl="$root_url" --project="$PROJECT" \
  --clusterMetadata="$root/samples/cluster-metadata.json" --outputDir="$out_dir" --idleWatermarkSeconds=10
pipeline_pid="$started_pid"

# 4. The replay: every sample line, shuffled, then the entry after the last.
run java -cp "$jar" com.gkeaudit.tools.PublishExport --topic "$topic" --pubsubRootUrl "$root_url" \
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
