#!/usr/bin/env bash
# Benchmark: live (Pub/Sub emulator, streaming) against backfill (batch over files) on the same generated data.
#
#   scripts/bench-streaming.sh [LINES]          (default 100000)
#
# Generates about LINES lines with the project's seeded generator into a temporary directory, then
#   (a) batch: scripts/run-local.sh over those files under /usr/bin/time -v (wall time, peak RSS, finding_ids);
#   (b) stream: starts the Pub/Sub emulator, a topic and a subscription, scripts/run-local.sh on the subscription
#       (--idleWatermarkSeconds=10, its own output directory) under /usr/bin/time -v, publishes the same files
#       shuffled with PublishExport --append-after-last, and checks every second until the findings files hold as
#       many distinct finding_ids as the batch run; then stops the pipeline (TERM: pending output, then summary).
# Prints batch wall time, lines/s and peak RSS; the stream's time from publish start to all findings, lines/s on
# that basis and peak RSS; the ratio batch wall / stream time; and whether both finding_id sets are equal.
# The stream's time includes its JVM start (overlapping the publish), the 10 s idle-watermark wait and one output
# flush (at most --outputFlushSeconds, 10 s by default).
# Environment: BENCH_TIMEOUT (seconds to wait for the findings, default 600), BENCH_SEED (shuffle, default 42),
# BENCH_KEEP=1 keeps the temporary directory. The emulator is $PUBSUB_EMULATOR_BIN or gcloud's component.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$root/scripts/lib/common.sh"
# shellcheck source=SCRIPTDIR/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"

case "${1:-}" in
  -h|--help) print_usage "$0"; exit 0 ;;
esac
[[ $# -le 1 ]] || die "at most one argument, LINES"
lines="${1:-100000}"
[[ "$lines" =~ ^[0-9]+$ && "$lines" -gt 0 ]] || die "LINES must be a positive whole number, got '$lines'"
timeout="${BENCH_TIMEOUT:-600}"
seed="${BENCH_SEED:-42}"
[[ "$timeout" =~ ^[0-9]+$ ]] || die "BENCH_TIMEOUT must be a whole number of seconds, got '$timeout'"
[[ "$seed" =~ ^-?[0-9]+$ ]] || die "BENCH_SEED must be a whole number, got '$seed'"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is needed (apt-get install time)"
command -v java >/dev/null || die "java is not installed (Java 17 is needed)"
find_emulator

jar="$root/pipeline/target/gke-audit-pipeline-bundled.jar"
tools_jar="$root/tools/target/gke-audit-tools-bundled.jar"
project="bench-project"
topic="projects/$project/topics/gke-audit-bench"
subscription="projects/$project/subscriptions/gke-audit-bench"
work="$(mktemp -d "${TMPDIR:-/tmp}/gke-audit-bench-streaming.XXXXXX")"
export_dir="$work/export"
pipeline_pid="" publish_pid=""

trap bench_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The distinct finding_ids under an output directory's findings/, sorted, one a line (hidden temp files skipped).
finding_ids() {
  [[ -d "$1/findings" ]] || return 0
  find "$1/findings" -type f ! -name '.*' ! -path '*/.*' -exec cat {} + \
    | grep -o '"finding_id" *: *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort -u || true
}

# "WALL_SECONDS MAX_RSS_MIB" from a /usr/bin/time -v report.
time_figures() {
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$1" | awk '{print $NF}' \
    | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(grep 'Maximum resident set size' "$1" | awk '{print $NF}')
  echo "$wall $((rss / 1024))"
}

# Seconds since $1 (an $EPOCHREALTIME value), to 0.1 s.
since() {
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# 0. The data (generate-samples.sh builds the jar first when it is stale).
echo "Generating about $lines lines into $export_dir..." >&2
"$root/scripts/generate-samples.sh" --output "$export_dir" --lines "$lines" >&2
input_lines=$(grep -o '"totalLines" *: *[0-9]*' "$export_dir/expected.json" | grep -o '[0-9]*$')
input_bytes=$(du -sb "$export_dir/cloudaudit.googleapis.com" | cut -f1)

# The first run after a build writes the class-data-sharing archive (run-local.sh); not part of a measurement.
if [[ ! "${jar%.jar}.jsa" -nt "$jar" ]]; then
  echo "Warm-up run (writes the class-data-sharing archive)..." >&2
  "$root/scripts/run-local.sh" --outputDir="$work/warmup" >/dev/null 2>&1
fi

# 1. Batch.
echo "Batch run..." >&2
/usr/bin/time -v -o "$work/batch.time" "$root/scripts/run-local.sh" \
  "--inputFiles=$export_dir/cloudaudit.googleapis.com/**" "--clusterMetadata=$export_dir/cluster-metadata.json" \
  "--outputDir=$work/batch" >"$work/batch.log" 2>&1 || { tail -30 "$work/batch.log" >&2; die "the batch run failed"; }
read -r batch_wall batch_rss < <(time_figures "$work/batch.time")
finding_ids "$work/batch" >"$work/batch.ids"
batch_findings=$(wc -l <"$work/batch.ids")
((batch_findings > 0)) || die "the batch run gave no findings: nothing to wait for"
echo "batch: $batch_wall s, $batch_findings findings" >&2

# 2. Stream: emulator, topic, subscription, pipeline, then the replay.
start_emulator "$(free_port)" "$work/emulator.log"
create "projects/$project/topics/gke-audit-bench"
create "$subscription" "{\"topic\":\"$topic\"}"
start_background "$work/stream.log" /usr/bin/time -v -o "$work/stream.time" "$root/scripts/run-local.sh" \
  --inputSubscription="$subscription" --pubsubRootUrl="$EMULATOR_URL" --project="$project" \
  --clusterMetadata="$export_dir/cluster-metadata.json" --outputDir="$work/stream" --idleWatermarkSeconds=10
pipeline_pid="$started_pid"
publish_start=$EPOCHREALTIME
start_background "$work/publish.log" java -cp "$tools_jar" com.gkeaudit.tools.PublishExport --topic "$topic" \
  --pubsubRootUrl "$EMULATOR_URL" --input "$export_dir/cloudaudit.googleapis.com" --shuffle "$seed" --append-after-last
publish_pid="$started_pid"

publish_time="" stream_time="" stream_findings=0 progress_seen=0 timeline=()
while true; do
  sleep 1
  if [[ -z "$publish_time" ]] && ! kill -0 "$publish_pid" 2>/dev/null; then
    publish_status=0
    wait "$publish_pid" || publish_status=$?
    publish_time=$(since "$publish_start")
    publish_pid=""
    ((publish_status == 0)) || { cat "$work/publish.log" >&2; die "PublishExport failed (exit $publish_status)"; }
    echo "published in $publish_time s: $(tail -1 "$work/publish.log")" >&2
  fi
  kill -0 "$pipeline_pid" 2>/dev/null || { tail -30 "$work/stream.log" >&2; die "the streaming pipeline stopped"; }
  # The pipeline's progress lines (every 15 s at most), stamped with the time since publish start.
  mapfile -t progress < <(grep '^stream: ' "$work/stream.log" || true)
  for ((i = progress_seen; i < ${#progress[@]}; i++)); do
    timeline+=("$(since "$publish_start") s  ${progress[i]}")
    echo "${timeline[-1]}" >&2
  done
  progress_seen=${#progress[@]}
  stream_findings=$(finding_ids "$work/stream" | wc -l)
  if ((stream_findings >= batch_findings)); then
    stream_time=$(since "$publish_start")
    break
  fi
  elapsed=$(since "$publish_start")
  if ((${elapsed%.*} >= timeout)); then
    die "after $timeout s the stream has $stream_findings of $batch_findings findings (BENCH_TIMEOUT raises the limit)"
  fi
done
echo "stream: all $batch_findings findings after $stream_time s; stopping the pipeline..." >&2

# 3. Drain the pipeline: it writes pending output and prints the summary.
drain_timed "$pipeline_pid"
pipeline_pid=""
read -r stream_wall stream_rss < <(time_figures "$work/stream.time")
finding_ids "$work/stream" >"$work/stream.ids"
if cmp -s "$work/batch.ids" "$work/stream.ids"; then
  same="yes"
else
  same="NO ($(comm -23 "$work/batch.ids" "$work/stream.ids" | wc -l) only in batch, $(comm -13 "$work/batch.ids" "$work/stream.ids" | wc -l) only in stream)"
fi

echo
echo "GKE audit streaming benchmark, $(date -u +%Y-%m-%d): $input_lines lines, $((input_bytes / 1048576)) MiB, $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "batch run:  $(grep -E 'records read' "$work/batch.log" | head -1 | tr -s ' ')"
echo "stream run: $(grep -E 'records read' "$work/stream.log" | tail -1 | tr -s ' ')"
echo "publish:    $(tail -1 "$work/publish.log") (done after ${publish_time:-?} s)"
echo "stream progress (seen within 1 s of being printed; s since publish start):"
printf '  %s\n' "${timeline[@]}" "$stream_time s  all $batch_findings findings in the files"
printf '%-44s %10s %12s %14s %10s\n' "" "s" "lines/s" "peak RSS MiB" "findings"
printf '%-44s %10.1f %12.0f %14d %10d\n' "(a) batch, wall (scripts/run-local.sh)" "$batch_wall" \
  "$(echo "$input_lines / $batch_wall" | bc -l)" "$batch_rss" "$batch_findings"
printf '%-44s %10.1f %12.0f %14d %10d\n' "(b) stream, publish start to all findings" "$stream_time" \
  "$(echo "$input_lines / $stream_time" | bc -l)" "$stream_rss" "$(wc -l <"$work/stream.ids")"
printf 'ratio a/b (batch wall / stream time to findings): %.2f\n' "$(echo "$batch_wall / $stream_time" | bc -l)"
echo "finding_id sets equal: $same"
echo "(b) includes the pipeline's JVM start (overlapping the publish), the idle-watermark wait (10 s) and one output"
echo "flush (<= 10 s); the stream process ran $stream_wall s in all, including its stop."
