#!/usr/bin/env bash
# Benchmark: publish-to-finding latency of a live stream against the Pub/Sub emulator.
#
#   scripts/bench-latency.sh [--rate N] [--posture N] [--bursts N] [--lateness-minutes M] [--flush-seconds S]
#
#   --rate N              ordinary messages per second in the busy phase (default 20)
#   --posture N           posture-weakening entries per phase (default 20)
#   --bursts N            change bursts in the busy phase (default 5)
#   --lateness-minutes M  the stream's --allowedLatenessMinutes (default 1, to keep the run short; the product's
#                         default is 10, and a stateful finding waits about that long more)
#   --flush-seconds S     the stream's --outputFlushSeconds (default: the product's)
#   -h, --help            this text
#
# Starts the emulator, a topic and a subscription, and scripts/run-local.sh on the subscription under
# /usr/bin/time -v; then scripts/lib/latency.py publishes, with current timestamps, (1) a quiet phase: only
# posture-weakening entries (single-entry rule), one every 2 s; (2) a busy phase: ordinary k8s.io entries at --rate
# msg/s, the same posture entries, and change bursts (stateful rule change-burst) on clusters of their own. It reads
# the findings files as they appear and prints p50/p95/max publish-to-finding seconds per phase and rule, the
# sustained rate published and read, and the stream's peak RSS. The pipeline is drained (TERM) at the end and must
# have read every message published. BENCH_KEEP=1 keeps the temporary directory.
# Needs Java 17, python3, curl and the emulator (gcloud's pubsub-emulator component, or $PUBSUB_EMULATOR_BIN).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$root/scripts/lib/common.sh"
# shellcheck source=SCRIPTDIR/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"

rate=20 posture=20 bursts=5 lateness_minutes=1 flush_seconds=""
parse_options "rate posture bursts lateness-minutes flush-seconds" "" "$@"
for name in rate posture bursts; do
  [[ "${!name}" =~ ^[0-9]+$ && "${!name}" -gt 0 ]] || die "--$name must be a positive whole number, got '${!name}'"
done
[[ "$lateness_minutes" =~ ^[0-9]+$ ]] || die "--lateness-minutes must be a whole number, got '$lateness_minutes'"
[[ -z "$flush_seconds" || "$flush_seconds" =~ ^[0-9]+$ ]] \
  || die "--flush-seconds must be a whole number, got '$flush_seconds'"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is needed (apt-get install time)"
command -v java >/dev/null || die "java is not installed (Java 17 is needed)"
command -v python3 >/dev/null || die "python3 is not installed"
find_emulator

project="bench-project"
topic="projects/$project/topics/gke-audit-latency"
subscription="projects/$project/subscriptions/gke-audit-latency"
work="$(mktemp -d "${TMPDIR:-/tmp}/gke-audit-bench-latency.XXXXXX")"
pipeline_pid=""

trap bench_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Build first (run-local.sh builds the jar when it is stale), so the measurement does not wait for a build.
"$root/scripts/run-local.sh" --help >/dev/null
start_emulator "$(free_port)" "$work/emulator.log"
create "$topic"
create "$subscription" "{\"topic\":\"$topic\",\"ackDeadlineSeconds\":10}"
start_background "$work/stream.log" /usr/bin/time -v -o "$work/stream.time" "$root/scripts/run-local.sh" \
  --inputSubscription="$subscription" --pubsubRootUrl="$EMULATOR_URL" --project="$project" \
  --outputDir="$work/out" --allowedLatenessMinutes="$lateness_minutes" \
  ${flush_seconds:+--outputFlushSeconds="$flush_seconds"}
pipeline_pid="$started_pid"
# The stream is running once it says it is streaming (the first published entry also absorbs the warm-up).
for _ in $(seq 1200); do
  grep -q '^streaming from ' "$work/stream.log" 2>/dev/null && break
  kill -0 "$pipeline_pid" 2>/dev/null || { tail -30 "$work/stream.log" >&2; die "the streaming pipeline stopped"; }
  sleep 0.1
done

stateful_timeout=$((lateness_minutes * 60 + 300))
python3 "$root/scripts/lib/latency.py" --emulator "$EMULATOR_URL" --topic "$topic" --findings "$work/out/findings" \
  --rate "$rate" --posture "$posture" --bursts "$bursts" --stateful-timeout "$stateful_timeout" \
  >"$work/latency.json" || die "the latency run failed"
kill -0 "$pipeline_pid" 2>/dev/null || { tail -30 "$work/stream.log" >&2; die "the streaming pipeline stopped"; }

drain_timed "$pipeline_pid"
pipeline_pid=""
rss_kib=$(grep 'Maximum resident set size' "$work/stream.time" | awk '{print $NF}')
records_read=$(grep -E '^ *records read' "$work/stream.log" | tail -1 | awk '{print $NF}' | tr -d ',')

python3 - "$work/latency.json" "$records_read" "$rss_kib" "$lateness_minutes" "$rate" <<'EOF'
import json, sys
result = json.load(open(sys.argv[1]))
read, rss_kib, lateness, rate = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print(f"publish-to-finding seconds (allowedLatenessMinutes={lateness}; busy = {rate} msg/s of ordinary traffic)")
print(f"{'phase and rule':32} {'n':>4} {'missed':>7} {'p50':>8} {'p95':>8} {'max':>8}")
for key, s in result["summary"].items():
    fmt = lambda v: "-" if v is None else f"{v:.2f}"
    print(f"{key:32} {s['n']:>4} {s['missed']:>7} {fmt(s['p50']):>8} {fmt(s['p95']):>8} {fmt(s['max']):>8}")
print(f"busy phase: {result['busy_published_per_second']} msg/s published for {result['busy_seconds']} s")
print(f"messages published: {result['published']}, read by the stream: {read or '?'}")
print(f"stream peak RSS: {rss_kib // 1024} MiB")
if str(result["published"]) != read:
    sys.exit("the stream did not read every message published")
if any(s["missed"] for s in result["summary"].values()):
    sys.exit("some findings never arrived")
EOF
