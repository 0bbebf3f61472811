#!/usr/bin/env bash
# Benchmark: the whole local pipeline against a plain single-threaded Jackson parse of the same export.
#
#   scripts/bench.sh [LINES]          (default 1000000)
#
# Generates an export of about LINES lines (>= 95% Kubernetes API noise) with the project's seeded generator, then
# after one unmeasured warm-up run of each runs, alternating, 3 rounds of
#   (a) the pipeline exactly as scripts/run-local.sh runs it (whole process: JVM start, read, detect, write), and
#   (b) the baseline: one thread, no Beam, parsing every line with Jackson's tree model,
# and prints each one's median wall time, lines/s, the ratio b/a (above 1.0: the pipeline beats parsing each line
# once) and peak RSS, all measured by /usr/bin/time -v in this same invocation.
# Environment: BENCH_DIR (default /tmp/gke-audit-bench), BENCH_ROUNDS (default 3), BENCH_GZIP=1 for .json.gz input.
set -euo pipefail

case "${1:-}" in
  -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

lines="${1:-1000000}"
[[ "$lines" =~ ^[0-9]+$ ]] || { echo "error: LINES must be a whole number, got '$lines'" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_DIR:-/tmp/gke-audit-bench}"
rounds="${BENCH_ROUNDS:-3}"
tools_jar="$root/tools/target/gke-audit-tools-bundled.jar"
bench_jar="$root/benchmarks/target/gke-audit-benchmarks.jar"
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }

echo "Building the pipeline, tools and benchmark jars..." >&2
(cd "$root" && mvn -q -B -Pbench -DskipTests package) >&2

export_dir="$work/export-$lines${BENCH_GZIP:+-gz}"
if [[ ! -f "$export_dir/expected.json" ]]; then
  rm -rf "$export_dir"
  echo "Generating about $lines lines into $export_dir..." >&2
  java -cp "$tools_jar" com.gkeaudit.tools.SampleExportGenerator --output "$export_dir" --lines "$lines" \
    ${BENCH_GZIP:+--gzip} >&2
fi
# The generator's own line accounting (expected.json) gives the exact number of input lines.
input_lines=$(grep -o '"totalLines" *: *[0-9]*' "$export_dir/expected.json" | grep -o '[0-9]*$')
input_bytes=$(du -sb "$export_dir/cloudaudit.googleapis.com" | cut -f1)

# Runs a command under /usr/bin/time -v; prints "SECONDS MAX_RSS_KB".
measure() {
  local log="$work/time.log"
  /usr/bin/time -v "$@" > "$work/last-run.log" 2> "$log" || { cat "$work/last-run.log" "$log" >&2; return 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' \
    | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  echo "$wall $rss"
}

# One unmeasured run of each first: the pipeline's first run after a build also writes its class-data-sharing
# archive, and both warm the page cache.
echo "Warm-up run of each..." >&2
measure "$root/scripts/run-local.sh" "--inputFiles=$export_dir/cloudaudit.googleapis.com/**" \
  "--clusterMetadata=$export_dir/cluster-metadata.json" "--outputDir=$work/out" > /dev/null
measure java -cp "$bench_jar" com.gkeaudit.bench.BaselineParse "$export_dir/cloudaudit.googleapis.com" > /dev/null

pipeline_times=(); pipeline_rss=(); baseline_times=(); baseline_rss=()
for round in $(seq 1 "$rounds"); do
  read -r t r < <(measure "$root/scripts/run-local.sh" "--inputFiles=$export_dir/cloudaudit.googleapis.com/**" \
    "--clusterMetadata=$export_dir/cluster-metadata.json" "--outputDir=$work/out")
  pipeline_times+=("$t"); pipeline_rss+=("$r")
  summary=$(grep -E 'records read|findings  |counts add up' "$work/last-run.log" | tr -s ' ' | paste -sd';' -)
  read -r t r < <(measure java -cp "$bench_jar" com.gkeaudit.bench.BaselineParse "$export_dir/cloudaudit.googleapis.com")
  baseline_times+=("$t"); baseline_rss+=("$r")
  echo "round $round: pipeline ${pipeline_times[-1]} s (${pipeline_rss[-1]} KB), baseline ${baseline_times[-1]} s (${baseline_rss[-1]} KB)" >&2
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
max() { printf '%s\n' "$@" | sort -g | tail -1; }
pm=$(median "${pipeline_times[@]}"); bm=$(median "${baseline_times[@]}")

echo
echo "GKE audit benchmark: $input_lines lines, $((input_bytes / 1048576)) MiB, $rounds rounds, $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "pipeline run: $summary"
printf '%-34s %10s %14s %14s\n' "" "median s" "lines/s" "peak RSS MiB"
printf '%-34s %10.2f %14.0f %14.0f\n' "(a) pipeline (scripts/run-local.sh)" "$pm" "$(echo "$input_lines / $pm" | bc -l)" "$(( $(max "${pipeline_rss[@]}") / 1024 ))"
printf '%-34s %10.2f %14.0f %14.0f\n' "(b) baseline (1 thread, Jackson)" "$bm" "$(echo "$input_lines / $bm" | bc -l)" "$(( $(max "${baseline_rss[@]}") / 1024 ))"
printf 'ratio b/a: %.2f (above 1.0: the whole job is faster than parsing every line once)\n' "$(echo "$bm / $pm" | bc -l)"
