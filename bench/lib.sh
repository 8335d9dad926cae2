# shellcheck shell=bash
# What every bench/ script shares: logging, checked settings, tools installed on demand, a work folder removed at exit
# (BENCH_KEEP=1 keeps it), and the tool built in Release. Source it first: `source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"`.

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
unset PIPE_WORKSPACE

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

positive() { # positive PREFIX VAR...: each VAR holds a whole number above 0; PREFIX names its BENCH_ variable
  local prefix=$1 v; shift
  for v; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$prefix$v must be a positive whole number (got '${!v}')"; done
}

SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
apt_updated=0
need() { # need COMMAND [PACKAGE]: installs PACKAGE (default COMMAND) with apt-get when COMMAND is missing
  command -v "$1" >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "$1 is missing and apt-get is not available; install ${2:-$1}"
  log "installing ${2:-$1} with apt-get"
  local install=(env DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${2:-$1}")
  "${install[@]}" >/dev/null 2>&1 || { ((apt_updated)) || { $SUDO apt-get -qq update >/dev/null; apt_updated=1; }; "${install[@]}" >/dev/null; } \
    || die "could not install ${2:-$1}"
  command -v "$1" >/dev/null 2>&1 || die "could not install $1"
}

AT_EXIT=()
at_exit() { AT_EXIT+=("$1"); } # at_exit COMMAND: run (as eval'd text) before the work folder goes, last added first
bench_cleanup() {
  local rc=$? i
  for ((i = ${#AT_EXIT[@]} - 1; i >= 0; i--)); do eval "${AT_EXIT[i]}" || true; done
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
work_folder() { # work_folder NAME: sets WORK, a new folder under BENCH_TMPDIR (default /tmp)
  mkdir -p "${BENCH_TMPDIR:-/tmp}"
  WORK=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/pipe-bench-$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

build_tool() { # the CLI built in Release and copied to $WORK/tool (a rebuild during the run cannot swap it); sets PIPE, VERSION
  log "building tool/PipeBuild.Cli (Release)"
  dotnet build "$ROOT/tool/PipeBuild.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly >&2 || die "the Release build failed"
  mkdir -p "$WORK/tool"
  cp -r "$ROOT/artifacts/bin/PipeBuild.Cli/release/." "$WORK/tool/"
  PIPE="dotnet $WORK/tool/dotnet-pipe.dll"
  VERSION=$($PIPE version --output json | jq -r .version)
}
