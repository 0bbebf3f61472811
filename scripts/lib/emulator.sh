# shellcheck shell=bash disable=SC2034,SC2154 # EMULATOR, EMULATOR_PID, EMULATOR_URL and started_pid are for the callers; work, publish_pid and pipeline_pid are theirs
# The Pub/Sub emulator and background processes, shared by demo-streaming.sh and the bench-*.sh scripts; sourced after
# lib/common.sh (uses run, quote, die and DRY_RUN), not run.

EMULATOR="" EMULATOR_PID="" EMULATOR_URL="" started_pid=""

# Sets $EMULATOR: $PUBSUB_EMULATOR_BIN, else gcloud's pubsub-emulator component; outside a dry run also checks that
# it and curl are there.
find_emulator() {
  EMULATOR="${PUBSUB_EMULATOR_BIN:-}"
  if [[ -z "$EMULATOR" ]]; then
    if command -v gcloud >/dev/null; then
      EMULATOR="$(gcloud info --format='value(installation.sdk_root)')/platform/pubsub-emulator/bin/cloud-pubsub-emulator"
    elif [[ "$DRY_RUN" == 1 ]]; then
      EMULATOR="SDK_ROOT/platform/pubsub-emulator/bin/cloud-pubsub-emulator"
    else
      die "gcloud is not installed: set PUBSUB_EMULATOR_BIN to the cloud-pubsub-emulator script"
    fi
  fi
  if [[ "$DRY_RUN" == 0 ]]; then
    [[ -x "$EMULATOR" ]] || die "no Pub/Sub emulator at $EMULATOR (gcloud components install pubsub-emulator, or apt-get install google-cloud-cli-pubsub-emulator; or set PUBSUB_EMULATOR_BIN)"
    command -v curl >/dev/null || die "curl is not installed"
  fi
}

# Whether something listens on localhost:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a free port from 20000 to 59999 (dies after 50 tries).
free_port() {
  local candidate
  for _ in $(seq 50); do
    candidate=$((20000 + RANDOM % 40000))
    if ! port_in_use "$candidate"; then
      echo "$candidate"
      return
    fi
  done
  die "found no free port; pass --port"
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

# Starts $EMULATOR on localhost:$1 with its log in $2 and (outside a dry run) waits until it listens; sets
# $EMULATOR_PID (set before the wait, so an exit trap can stop it) and $EMULATOR_URL.
start_emulator() {
  local port="$1" log="$2" i
  EMULATOR_URL="http://localhost:$port"
  start_background "$log" "$EMULATOR" --host=localhost --port="$port"
  EMULATOR_PID="$started_pid"
  [[ "$DRY_RUN" == 0 ]] || return 0
  for ((i = 0; ; i++)); do
    grep -q "Server started, listening on $port" "$log" 2>/dev/null && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || { tail -20 "$log" >&2; die "the Pub/Sub emulator exited"; }
    ((i < 600)) || { tail -20 "$log" >&2; die "the Pub/Sub emulator was not ready within 60 s"; }
    sleep 0.1
  done
  echo "Pub/Sub emulator listening on $EMULATOR_URL (log: $log)" >&2
}

# Creates a topic or (with a body) a subscription on the emulator at $EMULATOR_URL.
create() {
  local resource="$1" body="${2:-}"
  run curl -sS --fail-with-body -o /dev/null -X PUT -H 'Content-Type: application/json' ${body:+--data "$body"} \
    "$EMULATOR_URL/v1/$resource"
}

# The benchmarks' exit trap: stops the publisher ($publish_pid), the pipeline ($pipeline_pid) and the emulator, then
# removes the work directory ($work) unless BENCH_KEEP=1; exits with the script's status.
bench_exit() {
  local status=$?
  trap - EXIT INT TERM
  stop publisher "${publish_pid:-}"
  stop "streaming pipeline" "${pipeline_pid:-}"
  stop "Pub/Sub emulator" "$EMULATOR_PID"
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
    echo "kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}

# Drains a pipeline started as `/usr/bin/time ... run-local.sh` with pid $1: TERM to the JVM (time's child) stops
# reading, fires pending timers, writes pending output and prints the summary (SIGINT would not do: a background job
# of a non-interactive shell ignores it, and so does the JVM). Waits up to 2 minutes, then stops it.
drain_timed() {
  local pid="$1" java_pid
  java_pid="$(pgrep -P "$pid" || true)"
  [[ -z "$java_pid" ]] || kill -TERM "$java_pid" 2>/dev/null || true
  for _ in $(seq 1200); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  stop "streaming pipeline" "$pid"
}
