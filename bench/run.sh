#!/usr/bin/env bash
# PipeBuild benchmark harness: P4 (ingest), P5 (small edit in a big file), P6 (cold start).
# Every case runs side by side with a peer (sha256sum, git) in the same invocation.
# Usage: bench/run.sh                      full size (1 GiB in 10,000 files, 256 MiB file)
#        BENCH_INGEST_MB=64 bench/run.sh   quick run
# See bench/README.md for what each case measures and every BENCH_* variable.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---------------------------------------------------------------- settings
INGEST_MB=${BENCH_INGEST_MB:-1024}        # P4: total size of the ingest folder, MiB
FILES=${BENCH_FILES:-10000}               # P4: number of files it is split into
BIG_MB=${BENCH_BIG_MB:-256}               # P5: size of the big file, MiB
EDIT_MB=${BENCH_EDIT_MB:-1}               # P5: MiB overwritten in its middle
P5_TRIALS=${BENCH_P5_TRIALS:-5}           # P5: repetitions, each with new random data (chunk cuts differ)
INGEST_RUNS=${BENCH_RUNS:-5}              # P4: hyperfine runs per command
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-20}    # P6: hyperfine runs per command
SMALL_FILES=${BENCH_SMALL_FILES:-10}      # P6: files in the small repo listed
LIST_FILES=${BENCH_LIST_FILES:-$FILES}    # P6: files in the large repo listed (0 skips it)
MANY_FILES=${BENCH_MANY_FILES:-100000}    # P4m: small files put for the peak-memory case
TMP_PARENT=${BENCH_TMPDIR:-/tmp}          # where the work folder is made (disk-backed by default)
TMPFS_DIAG=${BENCH_TMPFS:-auto}           # P4 diagnostic: also put with the workspace on /dev/shm (auto|1|0)
SKIP_BUILD=${BENCH_SKIP_BUILD:-0}
SRC_ROOT=${BENCH_SRC:-}                   # source tree to build and measure (default: this checkout)
DLL=${BENCH_DLL:-}                        # measure this dotnet-pipe.dll instead; skips the build and R2R publish
R2R=${BENCH_R2R:-1}                       # 1: also publish a ReadyToRun build and time P6 with it
WAIT_IDLE=${BENCH_WAIT_IDLE:-0}           # before each case, wait up to this many s for other CPU load < 15 %

SRC_ROOT=$(cd "${SRC_ROOT:-$ROOT}" && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
OUT="$RESULTS_DIR/latest.md"

for v in WAIT_IDLE INGEST_MB FILES BIG_MB EDIT_MB P5_TRIALS INGEST_RUNS STARTUP_RUNS SMALL_FILES LIST_FILES MANY_FILES; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
((INGEST_MB > 0 && FILES > 0 && BIG_MB > 0 && EDIT_MB > 0 && P5_TRIALS > 0 && MANY_FILES > 0)) || die "sizes must be positive"
((EDIT_MB < BIG_MB)) || die "BENCH_EDIT_MB must be smaller than BENCH_BIG_MB"
((INGEST_RUNS >= 2 && STARTUP_RUNS >= 2)) || die "at least 2 runs per command"
((FILES <= INGEST_MB * 1048576)) || die "BENCH_FILES is larger than the number of bytes"

# ---------------------------------------------------------------- tools
need hyperfine
need jq
[[ -x /usr/bin/time ]] || need /usr/bin/time time # GNU time: P4m's peak RSS
for c in dotnet git sha256sum split dd du find xargs sync; do command -v "$c" >/dev/null || die "$c is required"; done

# ---------------------------------------------------------------- work folder
work_folder ingest
SHM_WS=""
at_exit '[[ -n $SHM_WS ]] && rm -rf "$SHM_WS"'

# ---------------------------------------------------------------- build
R2R_DLL=""; RID=""
if [[ -n $DLL ]]; then
  [[ -f $DLL ]] || die "BENCH_DLL=$DLL does not exist"
  DLL=$(cd "$(dirname "$DLL")" && pwd)/$(basename "$DLL")
else
  [[ -d $SRC_ROOT/tool/PipeBuild.Cli ]] || die "BENCH_SRC=$SRC_ROOT has no tool/PipeBuild.Cli"
  if [[ $SKIP_BUILD != 1 ]]; then
    log "building $SRC_ROOT/tool/PipeBuild.Cli (Release)"
    dotnet build "$SRC_ROOT/tool/PipeBuild.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly >&2 \
      || die "the Release build failed; fix it, or benchmark another tree (BENCH_SRC) or build (BENCH_DLL)"
  fi
  DLL="$SRC_ROOT/artifacts/bin/PipeBuild.Cli/release/dotnet-pipe.dll"
  if [[ ! -f $DLL ]]; then
    DLL=$(find "$SRC_ROOT/artifacts/bin" -path '*release*' -name dotnet-pipe.dll 2>/dev/null | head -n1 || true)
  fi
  [[ -n $DLL && -f $DLL ]] || die "dotnet-pipe.dll not found under $SRC_ROOT/artifacts/bin"
  if [[ $R2R == 1 ]]; then
    # what the RID-specific tool package ships: ReadyToRun code, so far less JIT at start-up (P6 only)
    RID=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
    log "publishing a ReadyToRun build for ${RID:-?} (P6)"
    if [[ -n $RID ]] && dotnet publish "$SRC_ROOT/tool/PipeBuild.Cli" -c Release -r "$RID" --self-contained false \
         -p:PublishReadyToRun=true -o "$WORK/tool-r2r" -nologo -v quiet -clp:ErrorsOnly >&2; then
      R2R_DLL="$WORK/tool-r2r/$(basename "$DLL")"
    else
      log "warning: the ReadyToRun publish failed; P6 measures the build output only"
    fi
  fi
fi
# the tool under test, copied so a concurrent rebuild of artifacts/ cannot swap it mid-run
ORIG_DLL=$DLL
TOOL_DIR="$WORK/tool"
mkdir -p "$TOOL_DIR"
cp -r "$(dirname "$DLL")/." "$TOOL_DIR/"
DLL="$TOOL_DIR/$(basename "$DLL")"
PIPE=(dotnet "$DLL")
TOOL_VERSION=$("${PIPE[@]}" version --output json 2>/dev/null | jq -r '.version // empty' 2>/dev/null || true)
[[ -n $TOOL_VERSION ]] || die "$ORIG_DLL does not run ('dotnet-pipe version' failed)"
log "tool: ${PIPE[*]} ($TOOL_VERSION)${R2R_DLL:+; ReadyToRun: $R2R_DLL}"

q() { printf '%q' "$1"; }            # shell-quote one word for hyperfine command strings
PIPE_Q="dotnet $(q "$DLL")"

# hyperfine wrapper: hf NAME [hyperfine options and commands...]; JSON and Markdown land in $WORK/NAME.*
hf() {
  local name=$1; shift
  hyperfine --style basic --export-json "$WORK/$name.json" --export-markdown "$WORK/$name.md" "$@" >&2
}
# field of the Nth (0-based) result of a hyperfine JSON: hfv NAME INDEX FIELD
hfv() { jq -r ".results[$2].$3" "$WORK/$1.json"; }

# arithmetic helpers (awk, so no bc needed)
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
ms() { calc '%.1f' "$1 * 1000"; }
secs() { calc '%.2f' "$1"; }
mibs() { calc '%.0f' "$1 / 1048576 / $2"; }   # mibs BYTES SECONDS -> MiB/s
mib() { calc '%.2f' "$1 / 1048576"; }
yesno() { if awk "BEGIN { exit !($1) }"; then echo "yes"; else echo "**no**"; fi; }

# CPU busy (all cores, any process) over one second, in percent: the benchmark shares the machine
cpu_sample() { awk '/^cpu / { idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i; print idle, total }' /proc/stat; }
busy_pct() {
  local i1 t1 i2 t2
  read -r i1 t1 < <(cpu_sample); sleep 1; read -r i2 t2 < <(cpu_sample)
  awk "BEGIN { printf \"%.0f\", 100 * (1 - ($i2 - $i1) / ($t2 - $t1 + 0.0001)) }"
}
BUSY_LOG=""
before_case() { # before_case NAME: optionally wait for a quiet machine, and record how busy it was
  local b waited=0
  b=$(busy_pct)
  while ((b > 15 && waited < WAIT_IDLE)); do b=$(busy_pct); waited=$((waited + 1)); done
  ((b > 15)) && log "warning: machine is ${b}% busy before $1 (other processes); figures will be noisy"
  BUSY_LOG+="${BUSY_LOG:+, }$1 ${b}%"
  read -r CASE_IDLE CASE_TOTAL < <(cpu_sample)
}
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
CASE_LOG=""
after_case() { # after_case NAME [HYPERFINE-NAME WARMUPS]: how busy the machine was during the case, and how much of it was not us
  local idle total own="" line
  read -r idle total < <(cpu_sample)
  if [[ -n ${2:-} ]]; then # CPU time of the timed and warm-up runs (their --prepare work counts as "other")
    own=$(jq --argjson w "$3" '[.results[] | (.user + .system) * ((.times | length) + $w)] | add' "$WORK/$2.json")
  fi
  line=$(awk -v i=$((idle - CASE_IDLE)) -v t=$((total - CASE_TOTAL)) -v hz="$HZ" -v own="$own" 'BEGIN {
    busy = (t - i) / hz; all = t / hz; if (all <= 0) all = 1
    printf "%.0f%% busy", 100 * busy / all
    if (own != "") { o = 100 * (busy - own) / all; if (o < 0) o = 0; printf ", others ~%.0f%%", o } }')
  CASE_LOG+="${CASE_LOG:+; }$1: $line"
}

# a fresh, empty workspace with repo 'data': fresh_ws DIR
fresh_ws() {
  rm -rf "$1" && mkdir -p "$1"
  (cd "$1" && "${PIPE[@]}" init >/dev/null && "${PIPE[@]}" repo create data >/dev/null)
}

# =================================================================== P4: ingest
INGEST_BYTES=$((INGEST_MB * 1048576))
SRC="$WORK/ingest"
mkdir -p "$SRC"
log "P4: generating $INGEST_MB MiB of random data in $FILES files"
# one big random file cut into equal parts: far faster than $FILES separate reads of /dev/urandom
head -c "$INGEST_BYTES" /dev/urandom >"$WORK/ingest.bin"
split -n "$FILES" -a "$(( ${#FILES} + 1 ))" -d "$WORK/ingest.bin" "$SRC/f"
rm -f "$WORK/ingest.bin"
[[ $(find "$SRC" -type f | wc -l) -eq $FILES ]] || die "split made the wrong number of files"
# The stat cache ignores files modified in the last 2 s ("racily clean"); age them so the second put can hit it.
find "$SRC" -type f -exec touch -m -d '@'"$(( $(date +%s) - 60 ))" {} +
sync
# warm the page cache: both sides read from memory
find "$SRC" -type f -exec cat {} + >/dev/null

# Every put (and cp) run writes into a new folder; the old ones are deleted only at the end. Deleting
# 10,000 files just before creating 10,000 others makes ext4 without a journal (as on the reference VM)
# scan its "recently deleted" inodes on every create, which would be measured as the tool's time.
# That needs disk room for every run; without it, runs delete their predecessor (noted in the report).
RUNS_TOTAL=$((INGEST_RUNS + 1))
need_kib=$(( (2 * RUNS_TOTAL + 2) * INGEST_BYTES / 1024 + 1048576 ))
free_kib=$(df -Pk "$WORK" | awk 'NR==2 { print $4 }')
if ((free_kib > need_kib)); then
  KEEP_RUNS=1; DEL_WS=""; DEL_CP=""
else
  KEEP_RUNS=0; DEL_WS="rm -rf $(q "$WORK")/ws.* && "; DEL_CP="rm -rf $(q "$WORK")/cp.* && "
  log "warning: only $((free_kib / 1048576)) GiB free; each run deletes the previous one (see bench/README.md)"
fi

NPROC=$(nproc)
PER_PROC=$(( (FILES + NPROC - 1) / NPROC ))
SHA_1="find $(q "$SRC") -type f -print0 | xargs -0 sha256sum > /dev/null"
SHA_N="find $(q "$SRC") -type f -print0 | xargs -0 -P $NPROC -n $PER_PROC sha256sum > /dev/null"
PREP_CP="${DEL_CP}d=\$(mktemp -d $(q "$WORK")/cp.XXXXXX) && echo \"\$d\" > $(q "$WORK")/cp.cur && sync"
CP="cp -r $(q "$SRC") \"\$(cat $(q "$WORK")/cp.cur)/data\" && sync"
PREP_WS="${DEL_WS}d=\$(mktemp -d $(q "$WORK")/ws.XXXXXX) && echo \"\$d\" > $(q "$WORK")/ws.cur && cd \"\$d\" && $PIPE_Q init > /dev/null && $PIPE_Q repo create data > /dev/null && sync"
PUT="cd \"\$(cat $(q "$WORK")/ws.cur)\" && $PIPE_Q file put data@master -r -f $(q "$SRC") > /dev/null"

before_case P4
log "P4: sha256sum vs file put ($INGEST_RUNS runs each, warm page cache)"
# one --prepare per command, in order: every run starts with no dirty pages; put and cp get a new folder
hf p4 --warmup 1 --runs "$INGEST_RUNS" \
  --prepare "sync" --prepare "sync" --prepare "$PREP_CP" --prepare "$PREP_WS" \
  -n "sha256sum (1 process)" "$SHA_1" \
  -n "sha256sum ($NPROC processes, xargs -P)" "$SHA_N" \
  -n "cp -r + sync (file-system floor, diagnostic)" "$CP" \
  -n "dotnet-pipe file put -r (fresh workspace)" "$PUT"
after_case P4 p4 1

# sanity: the last put stored every file, and the store verifies
WS=$(cat "$WORK/ws.cur")
listed=$(cd "$WS" && "${PIPE[@]}" file list data@master --output json | jq 'length')
[[ $listed -eq $FILES ]] || die "file list shows $listed entries, expected $FILES"
P4_OBJ_BYTES=$(du -sb "$WS/.pipe/objects" | cut -f1)

before_case P4-reput
log "P4: second put of the unchanged folder (stat cache)"
hf p4-reput --warmup 1 --runs "$INGEST_RUNS" \
  -n "dotnet-pipe file put -r (unchanged, stat cache hit)" "$PUT"
after_case P4-reput p4-reput 1
(cd "$WS" && "${PIPE[@]}" fsck >/dev/null) || die "fsck failed after P4"

# Diagnostic: the same put with the workspace on tmpfs, which takes the disk (block allocation and
# the final syncfs writeback) out of the measurement and leaves the CPU work: read, hash, copy.
SHM_OK=0
if [[ $TMPFS_DIAG != 0 && -d /dev/shm && -w /dev/shm ]]; then
  shm_free_kib=$(df -Pk /dev/shm | awk 'NR==2 { print $4 }')
  if ((shm_free_kib > 3 * INGEST_BYTES / 1024)); then SHM_OK=1; fi
fi
if [[ $TMPFS_DIAG == 1 && $SHM_OK == 0 ]]; then die "BENCH_TMPFS=1 but /dev/shm is missing or too small"; fi
if ((SHM_OK)); then
  SHM_WS=$(mktemp -d /dev/shm/pipe-bench-ws.XXXXXX)
  PREP_SHM="rm -rf $(q "$SHM_WS") && mkdir -p $(q "$SHM_WS") && cd $(q "$SHM_WS") && $PIPE_Q init > /dev/null && $PIPE_Q repo create data > /dev/null && sync"
  PUT_SHM="cd $(q "$SHM_WS") && $PIPE_Q file put data@master -r -f $(q "$SRC") > /dev/null"
  before_case P4-tmpfs
  log "P4 diagnostic: file put into a workspace on tmpfs"
  hf p4-tmpfs --warmup 1 --runs "$INGEST_RUNS" \
    -n "dotnet-pipe file put -r (workspace on tmpfs, diagnostic)" --prepare "$PREP_SHM" "$PUT_SHM"
  after_case P4-tmpfs p4-tmpfs 1
  rm -rf "$SHM_WS"; SHM_WS=""
fi

# =================================================================== P4m: many small files, memory
# Peak RSS and time of put -r of MANY_FILES small files (1,000 per folder), beside sha256sum on all cores over the same
# files; one run of each (a run of a million files takes minutes), page cache warm, fresh synced workspace.
MANY_SRC="$WORK/many-small"
mkdir -p "$MANY_SRC"
(cd "$MANY_SRC" && seq -f '%07g' 0 $((MANY_FILES - 1)) \
  | awk '{ d = "d" substr($0, 1, 4); if (d != last) { system("mkdir -p " d); last = d } f = d "/f" $0; print "small file " $0 > f; close(f) }')
find "$MANY_SRC" -type f -print0 | xargs -0 cat >/dev/null
MANY_BYTES=$(du -sb --apparent-size "$MANY_SRC" | cut -f1)
WSM="$WORK/ws-many-small"
mkdir -p "$WSM" && (cd "$WSM" && "${PIPE[@]}" init >/dev/null && "${PIPE[@]}" repo create data >/dev/null) && sync
before_case P4m
log "P4m: put -r of $MANY_FILES small files (peak RSS) vs sha256sum × $NPROC"
read -r SHAM_S SHAM_KB < <({ /usr/bin/time -f '%e %M' sh -c "find $(q "$MANY_SRC") -type f -print0 | xargs -0 -P $NPROC sha256sum >/dev/null"; } 2>&1 | tail -n1)
sync
read -r PUTM_S PUTM_KB < <({ cd "$WSM" && /usr/bin/time -f '%e %M' "${PIPE[@]}" file put data@master -r -f "$MANY_SRC" >/dev/null; } 2>&1 | tail -n1)
after_case P4m
listed=$(cd "$WSM" && "${PIPE[@]}" file list data@master --output json | jq 'length')
[[ $listed -eq $(find "$MANY_SRC" -mindepth 1 -maxdepth 1 -type d | wc -l) ]] || die "P4m: file list shows $listed folders"
rm -rf "$WSM" "$MANY_SRC"

# =================================================================== P5: small edit in a big file
BIG_BYTES=$((BIG_MB * 1048576))
EDIT_AT=$(( (BIG_MB - EDIT_MB) / 2 ))   # MiB offset: the middle of the file
before_case P5
log "P5: $BIG_MB MiB file, put, overwrite $EDIT_MB MiB at offset $EDIT_AT MiB, put again ($P5_TRIALS trial(s), new random data each)"
P5_ROWS=""
P5_MAX=0; P5_SUM=0
for ((trial = 1; trial <= P5_TRIALS; trial++)); do
  BIG="$WORK/big$trial.bin"
  WS5="$WORK/ws-edit$trial"
  head -c "$BIG_BYTES" /dev/urandom >"$BIG"
  fresh_ws "$WS5"
  t0=$(date +%s.%N)
  (cd "$WS5" && "${PIPE[@]}" file put data@master:/big.bin -f "$BIG" >/dev/null)
  t1=$(date +%s.%N)
  before=$(du -sb "$WS5/.pipe/objects" | cut -f1)
  objects_before=$(find "$WS5/.pipe/objects" -type f | wc -l)
  dd if=/dev/urandom of="$BIG" bs=1M count="$EDIT_MB" seek="$EDIT_AT" conv=notrunc status=none
  t2=$(date +%s.%N)
  (cd "$WS5" && "${PIPE[@]}" file put data@master:/big.bin -f "$BIG" >/dev/null)
  t3=$(date +%s.%N)
  after=$(du -sb "$WS5/.pipe/objects" | cut -f1)
  objects_after=$(find "$WS5/.pipe/objects" -type f | wc -l)
  added=$((after - before))
  # check the stored file is the edited one, and the store verifies
  (cd "$WS5" && "${PIPE[@]}" file get data@master:/big.bin) | cmp -s - "$BIG" || die "P5: stored content differs from the edited file"
  (cd "$WS5" && "${PIPE[@]}" fsck >/dev/null) || die "fsck failed after P5"
  # objects after the first put: the chunks, the chunk list and the root tree
  P5_ROWS+="| $trial | $(mib "$added") MiB | $((objects_after - objects_before)) | $(mib "$before") MiB, $objects_before objects (mean chunk $(calc '%.2f' "$BIG_MB / ($objects_before - 2)") MiB) | $(calc '%.2f' "$t1 - $t0") s | $(calc '%.2f' "$t3 - $t2") s |"$'\n'
  ((added > P5_MAX)) && P5_MAX=$added
  P5_SUM=$((P5_SUM + added))
  rm -f "$BIG"
done
P5_MEAN=$((P5_SUM / P5_TRIALS))
after_case P5

# =================================================================== P6: cold start
log "P6: cold start (new process each run, warm disk cache) vs git"
SMALL_SRC="$WORK/small"
WS6="$WORK/ws-small"
GIT6="$WORK/git-small"
mkdir -p "$SMALL_SRC"
for ((i = 0; i < SMALL_FILES; i++)); do head -c 1024 /dev/urandom >"$SMALL_SRC/file$i.bin"; done
fresh_ws "$WS6"
(cd "$WS6" && "${PIPE[@]}" file put data@master -r -f "$SMALL_SRC" >/dev/null)
mkdir -p "$GIT6" && cp -r "$SMALL_SRC/." "$GIT6/" && git -C "$GIT6" init -q && git -C "$GIT6" add -A
P6_CMDS=()
p6add() { # p6add NAME PIPE-ARGS...: the command with the build, and with the ReadyToRun build if any
  local name=$1; shift
  P6_CMDS+=(-n "$name (build)" "dotnet $DLL $*")
  if [[ -n $R2R_DLL ]]; then P6_CMDS+=(-n "$name (ReadyToRun)" "dotnet $R2R_DLL $*"); fi
}
# the floor: an empty console app (it prints a line), built and started as the tool is
FLOOR="$WORK/floor"
mkdir -p "$FLOOR/src"
cat >"$FLOOR/src/floor.csproj" <<'EOF'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
</Project>
EOF
echo 'System.Console.WriteLine("0.1.0");' >"$FLOOR/src/Program.cs"
dotnet build "$FLOOR/src" -c Release -o "$FLOOR/build" -nologo -v quiet -clp:ErrorsOnly >&2 || die "the floor app does not build"
P6_CMDS+=(-n "floor app (build)" "dotnet $FLOOR/build/floor.dll")
if [[ -n $R2R_DLL ]]; then
  dotnet publish "$FLOOR/src" -c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true -o "$FLOOR/r2r" \
    -nologo -v quiet -clp:ErrorsOnly >&2 || die "the floor app does not publish"
  P6_CMDS+=(-n "floor app (ReadyToRun)" "dotnet $FLOOR/r2r/floor.dll")
fi
p6add "dotnet-pipe version" version
P6_CMDS+=(-n "git --version" "git --version")
p6add "dotnet-pipe file list, $SMALL_FILES files" --workspace "$WS6" file list data@master
P6_CMDS+=(-n "git ls-files, $SMALL_FILES files" "git -C $GIT6 ls-files")
p6add "dotnet-pipe file get" --workspace "$WS6" file get data@master:/file0.bin
# a no-op run: one pipeline (a copy of each file) that has processed the small repo
cat >"$WS6/copy.pipeproj" <<'EOF'
<Project Sdk="PipeBuild.Sdk">
  <PropertyGroup>
    <Command>cp /pfs/data/* /pfs/out/</Command>
  </PropertyGroup>
  <ItemGroup>
    <PipeInput Include="data" Glob="/*" />
  </ItemGroup>
</Project>
EOF
(cd "$WS6" && "${PIPE[@]}" run >/dev/null && "${PIPE[@]}" run | grep -q 'up to date') || die "P6: the second run is not a no-op"
p6add "dotnet-pipe run (no-op)" --workspace "$WS6" run
if ((LIST_FILES > 0)); then
  # the same listing with many (empty) files, for both tools
  LIST_SRC="$WORK/many"
  WS6B="$WORK/ws-many"
  GIT6B="$WORK/git-many"
  mkdir -p "$LIST_SRC"
  (cd "$LIST_SRC" && seq -f 'f%06g' 0 $((LIST_FILES - 1)) | xargs touch)
  fresh_ws "$WS6B"
  (cd "$WS6B" && "${PIPE[@]}" file put data@master -r -f "$LIST_SRC" >/dev/null)
  mkdir -p "$GIT6B" && cp -r "$LIST_SRC/." "$GIT6B/" && git -C "$GIT6B" init -q && git -C "$GIT6B" add -A
  p6add "dotnet-pipe file list, $LIST_FILES files" --workspace "$WS6B" file list data@master
  P6_CMDS+=(-n "git ls-files, $LIST_FILES files" "git -C $GIT6B ls-files")
fi
before_case P6
# -N: no intermediate shell, so the figure is the process itself
hf p6 -N --warmup 3 --runs "$STARTUP_RUNS" "${P6_CMDS[@]}"
after_case P6 p6 3

# =================================================================== report
SHA1_MEAN=$(hfv p4 0 mean); SHA1_SD=$(hfv p4 0 stddev)
SHAN_MEAN=$(hfv p4 1 mean); SHAN_SD=$(hfv p4 1 stddev)
CP_MEAN=$(hfv p4 2 mean); CP_SD=$(hfv p4 2 stddev)
PUT_MEAN=$(hfv p4 3 mean); PUT_SD=$(hfv p4 3 stddev); PUT_MIN=$(hfv p4 3 min); PUT_MAX=$(hfv p4 3 max)
REPUT_MEAN=$(hfv p4-reput 0 mean); REPUT_SD=$(hfv p4-reput 0 stddev)
RATIO=$(calc '%.2f' "$SHA1_MEAN / $PUT_MEAN")
RATIO_N=$(calc '%.2f' "$SHAN_MEAN / $PUT_MEAN")

hfn() { jq -r --arg n "$2" ".results[] | select(.command == \$n) | .$3" "$WORK/$1.json"; } # hfn NAME COMMAND FIELD
p6() { # p6 COMMAND -> "mean ± sd ms", or "-" when not run
  local m; m=$(hfn p6 "$1" mean)
  if [[ -z $m ]]; then echo "-"; else echo "$(ms "$m") ± $(ms "$(hfn p6 "$1" stddev)") ms"; fi
}
p6met() { local m; m=$(hfn p6 "$1" mean); if [[ -z $m ]]; then echo ""; else yesno "$m < 0.2"; fi; }
p6rows() { # p6rows LABEL PIPE-NAME GIT-NAME GOAL
  local kind
  for kind in build ReadyToRun; do
    [[ $kind == ReadyToRun && -z $R2R_DLL ]] && continue
    if [[ $4 == goal ]]; then
      echo "| P6 cold start: $1, $kind | **$(p6 "$2 ($kind)")** | $3: $(p6 "$3") | | < 200 ms | $(p6met "$2 ($kind)") |"
    else
      echo "| P6 $1, $kind | $(p6 "$2 ($kind)") | $3: $(p6 "$3") | | (none set) | |"
    fi
  done
}

p6floor() { # p6floor LABEL PIPE-NAME GOAL-RATIO: the command against the floor app started the same way ("" = no goal)
  local kind m f
  for kind in build ReadyToRun; do
    [[ $kind == ReadyToRun && -z $R2R_DLL ]] && continue
    m=$(hfn p6 "$2 ($kind)" mean); f=$(hfn p6 "floor app ($kind)" mean)
    if [[ -n $3 ]]; then
      echo "| P6 against the floor: $1, $kind | $(p6 "$2 ($kind)") | empty console app: $(p6 "floor app ($kind)") | **$(calc '%.2f' "$m / $f")x** | ≤ $3x the floor | $(yesno "$m <= $3 * $f") |"
    else
      echo "| P6 against the floor: $1, $kind | $(p6 "$2 ($kind)") | empty console app: $(p6 "floor app ($kind)") | $(calc '%.2f' "$m / $f")x | (none set) | |"
    fi
  done
}

if [[ -n $ORIG_DLL && -n ${BENCH_DLL:-} ]]; then
  SOURCE="prebuilt $BENCH_DLL"
elif GIT_REV=$(git -C "$SRC_ROOT" rev-parse --short HEAD 2>/dev/null) && [[ $(git -C "$SRC_ROOT" rev-parse --show-toplevel) == "$SRC_ROOT" ]]; then
  DIRTY=$(git -C "$SRC_ROOT" status --porcelain -- . ':!bench' ':!docs/benchmarks.md' 2>/dev/null | wc -l || echo 0)
  SOURCE="$SRC_ROOT at commit $GIT_REV"
  if ((DIRTY > 0)); then SOURCE+=" + $DIRTY uncommitted change(s) outside bench/"; fi # not $(... && ...): a clean tree would stop the script under set -e
else
  SOURCE="$SRC_ROOT (not a git checkout)${BENCH_SRC_LABEL:+: $BENCH_SRC_LABEL}"
fi
CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || uname -m)
MEM=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo "?")
FS=$(df -PT "$TMP_PARENT" | awk 'NR==2 { print $2 }')

mkdir -p "$RESULTS_DIR"
{
  echo "# PipeBuild benchmark results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- tool: dotnet-pipe $TOOL_VERSION, run as \`dotnet dotnet-pipe.dll\`: the Release build output (JIT)${R2R_DLL:+, and for P6 also a ReadyToRun publish for $RID}"
  echo "- source: $SOURCE"
  echo "- machine: $CPU, $NPROC cores, $MEM RAM, $(uname -sr), work folder on $FS ($TMP_PARENT)"
  echo "- tools: dotnet $(dotnet --version), $(hyperfine --version), $(sha256sum --version | head -n1), $(git --version)"
  echo "- other load (100 % = all $NPROC cores): in the second before each case: $BUSY_LOG. During each case, the whole machine, and roughly the part not used by the timed commands: $CASE_LOG. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- sizes: P4 $INGEST_MB MiB in $FILES files, $INGEST_RUNS runs; P5 $BIG_MB MiB file, $EDIT_MB MiB edit, $P5_TRIALS trials; P6 $STARTUP_RUNS runs"
  echo
  echo "| Case | PipeBuild | Peer | Ratio | Goal | Met |"
  echo "|---|---|---|---|---|---|"
  echo "| P4 ingest: put $INGEST_MB MiB / $FILES files (warm page cache, fresh workspace) | $(secs "$PUT_MEAN") ± $(secs "$PUT_SD") s = **$(mibs "$INGEST_BYTES" "$PUT_MEAN") MiB/s** | sha256sum: $(secs "$SHA1_MEAN") ± $(secs "$SHA1_SD") s = $(mibs "$INGEST_BYTES" "$SHA1_MEAN") MiB/s | **${RATIO}x** | ≥ 0.8x sha256sum | $(yesno "$RATIO >= 0.8") |"
  echo "| P4 ingest, peer on all cores | (same) | sha256sum × $NPROC (xargs -P): $(secs "$SHAN_MEAN") ± $(secs "$SHAN_SD") s = $(mibs "$INGEST_BYTES" "$SHAN_MEAN") MiB/s | ${RATIO_N}x | (reference) | |"
  echo "| P4 diagnostic: file-system floor | (same) | \`cp -r\` + \`sync\`: $(secs "$CP_MEAN") ± $(secs "$CP_SD") s = $(mibs "$INGEST_BYTES" "$CP_MEAN") MiB/s | $(calc '%.2f' "$CP_MEAN / $PUT_MEAN")x | (diagnostic) | |"
  if ((SHM_OK)); then
    TM=$(hfv p4-tmpfs 0 mean); TSD=$(hfv p4-tmpfs 0 stddev)
    echo "| P4 diagnostic: same put, workspace on tmpfs | $(secs "$TM") ± $(secs "$TSD") s = $(mibs "$INGEST_BYTES" "$TM") MiB/s | sha256sum (above) | $(calc '%.2f' "$SHA1_MEAN / $TM")x | (diagnostic) | |"
  fi
  echo "| P4 second put, unchanged folder (stat cache) | $(secs "$REPUT_MEAN") ± $(secs "$REPUT_SD") s = $(mibs "$INGEST_BYTES" "$REPUT_MEAN") MiB/s | first put: $(secs "$PUT_MEAN") s; sha256sum: $(secs "$SHA1_MEAN") s | $(calc '%.1f' "$PUT_MEAN / $REPUT_MEAN")x faster than the first put | (none set) | |"
  echo "| P4m put -r of $MANY_FILES small files ($(mib "$MANY_BYTES") MiB), peak memory and time | **$(calc '%.0f' "$PUTM_KB / 1024") MiB** peak RSS, $(secs "$PUTM_S") s = $(calc '%.0f' "$MANY_FILES / $PUTM_S") files/s | sha256sum × $NPROC (xargs -P): $(calc '%.0f' "$SHAM_KB / 1024") MiB, $(secs "$SHAM_S") s = $(calc '%.0f' "$MANY_FILES / $SHAM_S") files/s | $(calc '%.2f' "$SHAM_S / $PUTM_S")x | ≤ 256 MiB at 1,000,000 files, ≥ 0.8x | $(yesno "$PUTM_KB <= 262144 && $SHAM_S / $PUTM_S >= 0.8")$( ((MANY_FILES < 1000000)) && echo " (at $MANY_FILES files)") |"
  echo "| P5 edit: $EDIT_MB MiB overwritten in the middle of a $BIG_MB MiB file, put again | **$(mib "$P5_MAX") MiB** added to .pipe/objects (worst of $P5_TRIALS; mean $(mib "$P5_MEAN") MiB) | bytes edited: $EDIT_MB MiB; whole-file copy: $BIG_MB MiB | $(calc '%.2f' "$P5_MAX / ($EDIT_MB * 1048576)")x the edit | < 4 MiB | $(yesno "$P5_MAX < 4 * 1048576") |"
  p6rows "\`version\`" "dotnet-pipe version" "git --version" goal
  p6rows "\`file list data@master\` ($SMALL_FILES files)" "dotnet-pipe file list, $SMALL_FILES files" "git ls-files, $SMALL_FILES files" goal
  p6floor "\`version\`" "dotnet-pipe version" 1.5
  p6floor "\`file get\` of one small file" "dotnet-pipe file get" ""
  p6floor "\`file list data@master\` ($SMALL_FILES files)" "dotnet-pipe file list, $SMALL_FILES files" ""
  p6floor "no-op \`run\` (one pipeline, $SMALL_FILES files processed)" "dotnet-pipe run (no-op)" 2
  if ((LIST_FILES > 0)); then
    p6rows "\`file list data@master\` ($LIST_FILES files)" "dotnet-pipe file list, $LIST_FILES files" "git ls-files, $LIST_FILES files" none
  fi
  echo
  echo "Notes: MiB/s = 1,048,576 bytes/s over the whole command (process start, folder walk, hashing, writing,"
  echo "tree/commit, and the put's final syncfs). sha256sum and put both read the files from the page cache"
  echo "(warmed before timing). Each put starts from a fresh, synced workspace (hyperfine --prepare, not timed)."
  echo "P4 put range: $(secs "$PUT_MIN")–$(secs "$PUT_MAX") s. P4 store size after one put: $(mib "$P4_OBJ_BYTES") MiB."
  if ((KEEP_RUNS)); then
    echo "Put and cp runs each wrote a new folder; none was deleted during the case."
  else
    echo "**Low disk space: each put/cp run deleted the previous one first; on ext4 without a journal this slows file creation (see bench/README.md).**"
  fi
  echo
  echo "## P5 trials"
  echo
  echo "| Trial | Added by the second put | New objects | Store after the first put | Put 1 | Put 2 |"
  echo "|---|---|---|---|---|---|"
  printf '%s' "$P5_ROWS"
  echo
  echo "## Raw hyperfine output"
  for n in p4 p4-tmpfs p4-reput p6; do
    if [[ -f $WORK/$n.md ]]; then
      echo
      echo "### $n"
      echo
      sed "s#$WORK#\$WORK#g; s#$DLL#dotnet-pipe.dll#g" "$WORK/$n.md"
    fi
  done
} >"$OUT"
# hyperfine's raw data (every run's time) next to the report
rm -rf "$RESULTS_DIR/latest-raw" && mkdir -p "$RESULTS_DIR/latest-raw"
for n in p4 p4-tmpfs p4-reput p6; do
  if [[ -f $WORK/$n.json ]]; then sed "s#$WORK#\$WORK#g" "$WORK/$n.json" >"$RESULTS_DIR/latest-raw/$n.json"; fi
done

cat "$OUT"
log "wrote $OUT"
