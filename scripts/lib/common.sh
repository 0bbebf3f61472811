# shellcheck shell=bash disable=SC2034 # PROJECT and DRY_RUN are set here for the scripts that source this file
# Shared by the scripts that take flags (build-template.sh, run-template.sh, create-log-sink.sh, demo-streaming.sh,
# setup-bigquery.sh, looker-studio-url.sh); sourced, not run. A script may define its own die() after sourcing.
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

# The one argument parser of the scripts:
#
#   parse_options "VALUE OPTIONS" "SWITCHES" "$@"
#
# VALUE OPTIONS are the names (without dashes) of the options that take a value, given as --name V or --name=V; each
# sets the shell variable of its name with '-' as '_' (--job-name sets job_name), except --project, which sets
# PROJECT. SWITCHES are the options without a value; each sets its variable to 1 (--dry-run sets DRY_RUN). The switch
# "--" ends the options: what follows goes, untouched, into the array REST_ARGS. -h and --help print the script's
# header comment and exit 0. Anything else, or a value option without its value, is an error (exit 2).
REST_ARGS=()
parse_options() {
  local values=" $1 " switches=" $2 " arg name value
  shift 2
  while [[ $# -gt 0 ]]; do
    arg="$1"
    shift
    case "$arg" in
      -h|--help) print_usage "$0"; exit 0 ;;
    esac
    name="${arg#--}"
    name="${name%%=*}"
    if [[ "$arg" == --?* && "$values" == *" $name "* ]]; then
      if [[ "$arg" == *=* ]]; then
        value="${arg#*=}"
      else
        [[ $# -gt 0 && "$1" != --* ]] || die "--$name needs a value"
        value="$1"
        shift
      fi
    elif [[ "$arg" == -- && "$switches" == *" -- "* ]]; then
      REST_ARGS=("$@")
      return 0
    elif [[ "$arg" == --?* && "$arg" != *=* && "$switches" == *" $name "* ]]; then
      value=1
    else
      die "unknown argument '$arg'${UNKNOWN_ARGUMENT_HINT:+ ($UNKNOWN_ARGUMENT_HINT)}"
    fi
    case "$name" in
      project) PROJECT="$value" ;;
      dry-run) DRY_RUN="$value" ;;
      *) printf -v "${name//-/_}" '%s' "$value" ;;
    esac
  done
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
