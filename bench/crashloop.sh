#!/usr/bin/env bash
# The long crash loop (the reliability issue, §6): BENCH_CRASH_KILLS times, start one of file put, commit finish,
# run, gc --grace 0 or store sync push, and kill -9 it at a random moment. After each kill: fsck must pass, no job
# may be left 'running', and every file a command reported committed must read back with the bytes put.
# Results in bench/results/crashloop.md (crashloop-s3.md on S3). Settings: BENCH_CRASH_KILLS (100), BENCH_CRASH_SEED
# (random), BENCH_CRASH_STORE (local, or s3://BUCKET/PREFIX with BENCH_CRASH_S3_ENDPOINT and the AWS_* credentials of
# the environment, e.g. the s3rver of eng/setup/30-s3.sh), BENCH_TMPDIR, BENCH_KEEP. CI does not run it (~10 minutes).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KILLS=${BENCH_CRASH_KILLS:-100}
SEED=${BENCH_CRASH_SEED:-$RANDOM}
STORE=${BENCH_CRASH_STORE:-local}
positive BENCH_CRASH_ KILLS
store_options=(--store "$STORE")
if [[ $STORE == s3://* ]]; then
  [[ -n ${BENCH_CRASH_S3_ENDPOINT:-} ]] && store_options+=(--s3-endpoint "$BENCH_CRASH_S3_ENDPOINT")
  # A prefix of its own each run: the loop's checks assume a store that holds only what it put.
  STORE="${STORE%/}/crashloop-$(date +%s)-$SEED"
  store_options=(--store "$STORE" "${store_options[@]:2}")
elif [[ $STORE != local ]]; then
  die "BENCH_CRASH_STORE must be local or s3://BUCKET/PREFIX (got '$STORE')"
fi
need jq
work_folder crashloop
build_tool
RANDOM=$SEED
log "seed $SEED, $KILLS kills, store $STORE"

ws=$WORK/ws
mkdir -p "$ws" "$WORK/in" "$WORK/mirror"
(cd "$WORK/mirror" && $PIPE init >/dev/null) # store sync push's destination: another workspace
cd "$ws"
$PIPE init "${store_options[@]}" >/dev/null
$PIPE repo create data >/dev/null
cat >up.pipeproj <<'EOF'
<Project Sdk="PipeBuild.Sdk">
  <PropertyGroup>
    <Command>for f in /pfs/data/*; do sleep 0.05; cp "$f" /pfs/out/; done</Command>
  </PropertyGroup>
  <ItemGroup>
    <PipeInput Include="data" Glob="/*" />
  </ItemGroup>
</Project>
EOF
$PIPE pipeline create -f up.pipeproj >/dev/null 2>&1

declare -A ledger # repo path -> sha256 of what a command reported committed
declare -A kills landed
corrupt=0 lost=0 left_running=0 checks=0

new_file() { # new_file NAME: random bytes, up to 3 MiB (so some files are chunked)
  head -c $((RANDOM * 96 + 1)) /dev/urandom >"$WORK/in/$1"
}

# kill_at OP MAX_MS COMMAND...: starts COMMAND, kills it with -9 after 0..MAX_MS ms; returns its exit code (137 when killed)
kill_at() {
  local op=$1 max=$2 pid delay rc
  shift 2
  "$@" >/dev/null 2>&1 &
  pid=$!
  delay=$((RANDOM % max))
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  kills[$op]=$((${kills[$op]:-0} + 1))
  { wait "$pid"; } 2>/dev/null && rc=0 || rc=$?
  [[ $rc -eq 137 ]] && landed[$op]=$((${landed[$op]:-0} + 1))
  return "$rc"
}

check() { # check WHAT [PATH...]: fsck, the job list, and the ledger's PATHs (every one when none is given)
  local what=$1
  shift
  checks=$((checks + 1))
  if ! $PIPE fsck >"$WORK/fsck.out" 2>&1; then
    corrupt=$((corrupt + 1))
    log "fsck failed after kill $what:"; sed 's/^/    /' "$WORK/fsck.out" >&2
  fi
  local running
  running=$($PIPE job list --output json | jq '[.[] | select(.state == "running" or .state == "starting")] | length')
  left_running=$((left_running + running))
  local path sha paths=("$@")
  [[ $# -gt 0 ]] || paths=("${!ledger[@]}")
  for path in "${paths[@]}"; do
    [[ -n ${ledger[$path]:-} ]] || continue
    sha=$($PIPE file get "data@master:$path" 2>/dev/null | sha256sum | cut -d' ' -f1)
    if [[ $sha != "${ledger[$path]}" ]]; then
      lost=$((lost + 1))
      log "after kill $what: data@master:$path reads $sha, was committed as ${ledger[$path]}"
      unset "ledger[$path]"
    fi
  done
}

started=$(date +%s)
for ((i = 1; i <= KILLS; i++)); do
  $PIPE commit finish data@master >/dev/null 2>&1 || true # a commit a killed finish left open
  name=f$i.bin
  new_file "$name"
  sha=$(sha256sum <"$WORK/in/$name" | cut -d' ' -f1)
  case $((RANDOM % 5)) in
    0)
      op=put
      kill_at put 1500 $PIPE file put "data@master:$name" -f "$WORK/in/$name" --no-run && ledger[$name]=$sha || true
      ;;
    1)
      op="commit finish"
      $PIPE commit start data@master >/dev/null
      $PIPE file put "data@master:$name" -f "$WORK/in/$name" --no-run >/dev/null
      kill_at "$op" 800 $PIPE commit finish data@master && ledger[$name]=$sha || true
      ;;
    2)
      op=run
      $PIPE file put "data@master:$name" -f "$WORK/in/$name" --no-run >/dev/null && ledger[$name]=$sha
      kill_at run 3000 $PIPE run || true
      ;;
    3)
      op=gc
      $PIPE file put "data@master:$name" -f "$WORK/in/$name" --no-run >/dev/null && ledger[$name]=$sha
      $PIPE file delete "data@master:$name" >/dev/null 2>&1 --no-run && unset "ledger[$name]" || true
      kill_at gc 1500 $PIPE gc --grace 0 || true
      ;;
    4)
      op="store sync"
      $PIPE file put "data@master:$name" -f "$WORK/in/$name" --no-run >/dev/null && ledger[$name]=$sha
      kill_at "$op" 1500 $PIPE store sync push "$WORK/mirror" || true
      ;;
  esac
  if ((i % 10 == 0)); then
    check "$i ($op)" # every file committed so far
    log "$i kills: $corrupt corrupt, $lost lost, $left_running left running"
  else
    check "$i ($op)" "$name"
  fi
done
check "the last" # every file committed, once more
seconds=$(($(date +%s) - started))

# The workspace killed syncs wrote to must itself be sound.
mirror_fsck=$( (cd "$WORK/mirror" && $PIPE fsck 2>&1 | tail -1) || true)

results=$ROOT/bench/results/crashloop.md
[[ $STORE == local ]] || results=$ROOT/bench/results/crashloop-s3.md
mkdir -p "$(dirname "$results")"
{
  echo "# Crash loop (bench/crashloop.sh)"
  echo
  echo "dotnet pipe $VERSION, $(nproc) cores, store $STORE, seed $SEED, $(date -u +%Y-%m-%d). $KILLS kill -9 at a random moment of one"
  echo "command each; after each: fsck, the job list, and every file reported committed read back and hashed."
  echo
  echo "| command | kills | landed while it ran (exit 137) |"
  echo "|---|---|---|"
  for op in put "commit finish" run gc "store sync"; do
    echo "| $op | ${kills[$op]:-0} | ${landed[$op]:-0} |"
  done
  echo
  echo "| check | result |"
  echo "|---|---|"
  echo "| stores fsck found corrupt | $corrupt of $checks checks |"
  echo "| committed files lost or changed | $lost (of ${#ledger[@]} committed at the end) |"
  echo "| jobs left 'running' after the next command | $left_running |"
  echo "| the sync mirror's fsck | ${mirror_fsck:-not checked} |"
  echo "| wall time | ${seconds} s |"
} >"$results"
cat "$results"
[[ $corrupt -eq 0 && $lost -eq 0 && $left_running -eq 0 ]] || die "the crash loop found damage (above)"
