#!/usr/bin/env bash
# Benchmark: the behavioural rules (docs/behavioural-rules.md) over synthetic history against new-principal in the same run.
#
#   scripts/bench-behaviour.sh [PRINCIPALS] [DAYS] [ROUNDS]          (default 10000 30 3)
#   scripts/bench-behaviour.sh --beam [PRINCIPALS] [DAYS] [ROUNDS]   (default 1000 30 3)
#
# Runs com.gkeaudit.bench.BehaviourBench (benchmarks/) under /usr/bin/time -v: events/s of each rule step's logic
# (median of ROUNDS after a warm-up), their ratio, the stored state's size after the history and 40 quiet days
# later, the JVM's peak heap, and the process's peak RSS. With --beam, BehaviourBeamBench instead: the same two
# steps as Beam runs them (keyed events, state, release timers) on the DirectRunner, events/s and their ratio.
# Environment: BENCH_HEAP (default 4g).
set -euo pipefail

case "${1:-}" in
  -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
main=BehaviourBench defaults=(10000 30 3)
if [[ "${1:-}" == --beam ]]; then
  main=BehaviourBeamBench defaults=(1000 30 3)
  shift
fi
for arg in "$@"; do
  [[ "$arg" =~ ^[0-9]+$ ]] || { echo "error: arguments must be whole numbers, got '$arg'" >&2; exit 2; }
done
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Compiled against the pipeline's classes, without packaging anything (no shade, no install).
(cd "$root" && mvn -q -B -o compile -pl pipeline && mvn -q -B -o dependency:build-classpath -pl pipeline \
  -Dmdep.outputFile="$work/cp.txt") >&2
cp="$root/pipeline/target/classes:$(cat "$work/cp.txt")"
javac -d "$work/classes" -cp "$cp" "$root/benchmarks/src/main/java/com/gkeaudit/bench/BehaviourBench.java" \
  "$root/benchmarks/src/main/java/com/gkeaudit/bench/BehaviourBeamBench.java"
/usr/bin/time -v -o "$work/time.txt" java -Xmx"${BENCH_HEAP:-4g}" -cp "$work/classes:$cp" \
  "com.gkeaudit.bench.$main" "${1:-${defaults[0]}}" "${2:-${defaults[1]}}" "${3:-${defaults[2]}}"
awk -F': ' '/Maximum resident set size/ {printf "peak RSS: %d MB\n", $2 / 1024}' "$work/time.txt"
