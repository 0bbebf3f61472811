#!/usr/bin/env bash
# Fuzzes the input readers with Jazzer (coverage-guided): the entry parser and its strict scan, the redaction, and
# the cluster-metadata parser (pipeline/src/test/java/com/gkeaudit/parse/InputFuzzTest.java).
#
#   scripts/fuzz.sh [DURATION]      DURATION as Jazzer reads it: 30s, 10m, 2h (default 10m)
#
# The test command fuzzes for 5 s; this runs the same fuzz test longer. The corpus it grows is kept under
# pipeline/.cifuzz-corpus/ (not in git). An input that fails is written to
# pipeline/src/test/resources/com/gkeaudit/parse/InputFuzzTestInputs/fuzz/, where every later test run replays it:
# commit it with the fix, and add a named regression test for what it shows.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-10m}"
case "$duration" in
  -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
if [[ ! "$duration" =~ ^[0-9]+[smh]$ ]]; then
  echo "error: DURATION must look like 30s, 10m or 2h, got '$duration'" >&2
  exit 2
fi
cd "$root"
# Seed 0: libFuzzer picks a new one each run (the test command's fixed seed replays the same inputs every time).
exec mvn -B -o -q test-compile surefire:test@fuzz -pl pipeline -Dfuzz.duration="$duration" -Dfuzz.seed=0 \
  -Dtest=InputFuzzTest \
  -Dsurefire.failIfNoSpecifiedTests=false
