#!/usr/bin/env bash
# Generates a deterministic, realistic GKE audit-log export with the project's seeded generator
# (com.gkeaudit.tools.SampleExportGenerator, run from the tools jar, tools/target/gke-audit-tools-bundled.jar).
#
#   scripts/generate-samples.sh [GENERATOR OPTIONS...]
#
# Without --output it (re)writes samples/ (replacing only the generator's own files there). Every option is passed
# to the generator: --output DIR, --seed N (42), --start 2026-11-02T00:00:00Z, --days N (10), --lines N (bulk mode),
# --gzip, --overwrite, --threads N. Same options, byte-identical files. Builds the jar first when it is missing
# or older than the sources.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/tools/target/gke-audit-tools-bundled.jar"
main_class="com.gkeaudit.tools.SampleExportGenerator"

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

for arg in "$@"; do
  case "$arg" in
    -h|--help)
      usage
      echo
      if [[ -f "$jar" ]]; then
        java -cp "$jar" "$main_class" --help 2>/dev/null || true
      fi
      exit 0
      ;;
  esac
done

# Build when the jar is missing or older than the sources (as scripts/run-local.sh does).
stale=0
if [[ ! -f "$jar" ]]; then
  stale=1
elif [[ -n "$(find "$root/tools/src/main" "$root/tools/pom.xml" "$root/pipeline/src/main" "$root/pipeline/pom.xml" "$root/pom.xml" -newer "$jar" -type f -print -quit)" ]]; then
  stale=1
fi
if [[ $stale == 1 ]]; then
  echo "Building the tools jar (first run downloads dependencies; this takes a few minutes)..." >&2
  (cd "$root" && mvn -q -B -DskipTests -pl tools -am package) >&2
fi

args=("$@")
has_output=0
for arg in "$@"; do
  [[ "$arg" == "--output" || "$arg" == --output=* ]] && has_output=1
done
if [[ $has_output == 0 ]]; then
  args+=("--output" "$root/samples" "--overwrite")
fi

exec java -cp "$jar" "$main_class" "${args[@]}"
