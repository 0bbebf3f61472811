#!/usr/bin/env bash
# Runs the GKE control-plane audit pipeline locally on the DirectRunner.
#
#   scripts/run-local.sh [PIPELINE OPTIONS...]
#
# Defaults: --inputFiles=samples/cloudaudit.googleapis.com/** --clusterMetadata=samples/cluster-metadata.json
#           --outputDir=out   (each is used only when you do not pass that option yourself)
# Builds the bundled jar first when it is missing or older than the sources. Every option is passed to the
# pipeline (see docs/options.md or --help). Exits non-zero when the build or the pipeline fails.
#
# Streaming: --inputSubscription=projects/P/subscriptions/S [--pubsubRootUrl=http://localhost:PORT, or
# PUBSUB_EMULATOR_HOST=localhost:PORT] runs until Ctrl-C, which writes pending output, stops, and prints the summary
# (scripts/demo-streaming.sh shows it end to end). --inputFiles with --watchIntervalSeconds=N streams new files.
# PUBSUB_EMULATOR_HOST also points --findingsTopic (alerts) at the emulator.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/pipeline/target/gke-audit-pipeline-bundled.jar"

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

stale=0
if [[ ! -f "$jar" ]]; then
  stale=1
elif [[ -n "$(find "$root/pipeline/src/main" "$root/pipeline/pom.xml" "$root/pom.xml" "$root/schemas" -newer "$jar" -type f -print -quit)" ]]; then
  stale=1
fi
if [[ $stale == 1 ]]; then
  echo "Building the bundled jar (first run downloads dependencies; this takes a few minutes)..." >&2
  (cd "$root" && mvn -q -B -DskipTests -pl pipeline package) >&2
fi

for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; echo; echo "Pipeline options:"; java -jar "$jar" --help=com.gkeaudit.options.GkeAuditOptions; exit 0 ;;
  esac
done

has_option() {
  local name="$1"; shift
  for arg in "$@"; do
    [[ "$arg" == "--$name="* || "$arg" == "--$name" ]] && return 0
  done
  return 1
}

args=("$@")
if ! has_option inputFiles "$@" && ! has_option inputSubscription "$@"; then
  args+=("--inputFiles=$root/samples/cloudaudit.googleapis.com/**")
  if ! has_option clusterMetadata "$@"; then
    args+=("--clusterMetadata=$root/samples/cluster-metadata.json")
  fi
fi
# The emulator's usual variable, as gcloud's `beta emulators pubsub env-init` sets it, stands for --pubsubRootUrl.
emulator=0
if has_option pubsubRootUrl "$@"; then
  emulator=1
elif [[ -n "${PUBSUB_EMULATOR_HOST:-}" ]] && { has_option inputSubscription "$@" || has_option findingsTopic "$@"; }; then
  args+=("--pubsubRootUrl=http://$PUBSUB_EMULATOR_HOST")
  emulator=1
fi
# The Pub/Sub emulator takes no credentials; the real service uses Application Default Credentials.
if [[ $emulator == 1 ]] && ! has_option credentialFactoryClass "$@"; then
  args+=("--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory")
fi
out_dir=""
if ! has_option outputDir "$@" && ! has_option findingsTable "$@"; then
  out_dir="$root/out"
  args+=("--outputDir=$out_dir")
fi
# The pipeline replaces the previous run's files under --outputDir itself, once the options and inputs are checked:
# a typo in an option must not cost the last results.

# Class-data sharing: the first run after a build records the classes it loads (Beam loads thousands), later runs
# map them instead of loading them again, which saves about a second of start-up.
cds_archive="${jar%.jar}.jsa"
if [[ -f "$cds_archive" && "$cds_archive" -nt "$jar" ]]; then
  cds=("-XX:SharedArchiveFile=$cds_archive" -Xshare:auto)
else
  cds=("-XX:ArchiveClassesAtExit=$cds_archive" "-Xlog:cds*=off")
fi

# The DirectRunner's idle workers poll its watermark manager; more workers than cores only add that polling
# (measured: 3 workers 13.8 s, 2 workers 11.2 s on 1M lines).
if ! has_option targetParallelism "$@"; then
  args+=("--targetParallelism=$(nproc)")
fi

# Enforcement checks off: they re-encode every element and cost ~4x (docs/architecture.md, "Build notes"); the tests keep them on.
# ExitOnOutOfMemoryError: an out-of-memory DirectRunner otherwise hangs instead of failing.
# C1-only compilation: on 2 cores the C2 compiler threads compete with the pipeline for the whole of a short run;
# measured on 1M lines 11.1-15.6 s with C2 and 9.4-9.6 s without, and no slower at 3M lines. Override with
# GKE_AUDIT_JAVA_OPTS (e.g. GKE_AUDIT_JAVA_OPTS= for the JVM's defaults on very large local inputs).
read -r -a java_opts <<< "${GKE_AUDIT_JAVA_OPTS--XX:TieredStopAtLevel=1}"

exec java \
  "${cds[@]}" "${java_opts[@]}" \
  -Xmx"${GKE_AUDIT_HEAP:-2g}" -XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC \
  -Djava.util.logging.config.file="$root/scripts/logging.properties" \
  -jar "$jar" \
  --runner=DirectRunner --enforceImmutability=false --enforceEncodability=false \
  "${args[@]}"
