# shellcheck shell=bash disable=SC2034 # PROJECT and DRY_RUN are set here for the scripts that source this file
# Shared by the deployment scripts (build-template.sh, run-template.sh, create-log-sink.sh); sourced, not run.
#
# Every command a script runs goes through `run`, so --dry-run prints exactly what a real run would execute, one
# command per line, quoted so the output can be pasted into a shell.

DRY_RUN=0
PROJECT=""
SCRIPT_NAME="${0##*/}"

die() {
  echo "$SCRIPT_NAME: error: $*" >&2
  echo "Run $SCRIPT_NAME --help for usage." >&2
  exit 2
}

# Prints the script's header comment (from line 2 up to the first line that is not a comment) as its help.
print_usage() {
  sed -n '2,/^[^#]/{/^#/!q;s/^# \{0,1\}//;p;}' "$1"
}

# Shell-quotes each argument when it needs it: plain words stay readable, anything else is single-quoted.
quote() {
  local out=() arg
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
      out+=("$arg")
    else
      out+=("'${arg//\'/\'\\\'\'}'")
    fi
  done
  echo "${out[*]}"
}

# Runs a command, or only prints it with --dry-run. A real run echoes it to stderr first, so logs show what ran.
run() {
  if [[ "$DRY_RUN" == 1 ]]; then
    quote "$@"
  else
    echo "+ $(quote "$@")" >&2
    "$@"
  fi
}

# Creates something only when it does not exist yet: `ensure WHAT DESCRIBE... -- CREATE...` runs the describe
# command quietly and the create command only when the describe fails. --dry-run prints both as one shell line,
# `DESCRIBE >/dev/null 2>&1 || CREATE`, which does the same when pasted. Reruns are therefore safe.
ensure() {
  local what="$1" describe=() create=()
  shift
  while [[ $# -gt 0 && "$1" != "--" ]]; do describe+=("$1"); shift; done
  [[ $# -gt 0 ]] || { echo "ensure: no -- between the describe and the create command" >&2; exit 2; }
  shift
  create=("$@")
  if [[ "$DRY_RUN" == 1 ]]; then
    echo "$(quote "${describe[@]}") >/dev/null 2>&1 || $(quote "${create[@]}")"
  elif "${describe[@]}" >/dev/null 2>&1; then
    echo "= $what exists" >&2
  else
    run "${create[@]}"
  fi
}

# Handles what every script accepts: --project, --dry-run, --help. Returns 1 for any other argument.
common_option() {
  case "$1" in
    --project=*) PROJECT="${1#*=}" ;;
    --dry-run) DRY_RUN=1 ;;
    -h|--help) print_usage "$0"; exit 0 ;;
    *) return 1 ;;
  esac
}

require() {
  [[ -n "$2" ]] || die "$1 is required"
}

# Project ids: 6-30 characters, lower-case letters, digits and hyphens, starting with a letter.
check_project() {
  [[ "$1" =~ ^[a-z][-a-z0-9]{4,28}[a-z0-9]$ ]] || die "--project must be a project id like my-project-123, got '$1'"
}

check_region() {
  [[ "$1" =~ ^[a-z]+-[a-z]+[0-9]+$ ]] || die "--region must be a region like us-central1 or europe-west4, got '$1'"
}

# Accepts gs://BUCKET (a trailing slash is fine); prints BUCKET.
bucket_name() {
  local name="${1#gs://}"
  name="${name%/}"
  [[ "$1" == gs://* && "$name" =~ ^[a-z0-9][-_.a-z0-9]{1,220}[a-z0-9]$ ]] \
    || die "--bucket must be gs://BUCKET (a bucket, no folder), got '$1'"
  echo "$name"
}
