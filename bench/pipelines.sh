#!/usr/bin/env bash
# PipeBuild pipeline benchmarks: P1 (many tiny datums), P2 (no-op run), P3 (one input of many changed),
# P7 (memory of datum planning and runs). Every case runs beside its peer in the same invocation:
# xargs -P and Snakemake (P1), ninja (P2, P3).
# Usage: bench/pipelines.sh                       full size (about 30 minutes on 2 cores)
#        BENCH_P1_DATUMS=1000 BENCH_P2_FILES=10000 BENCH_P7_DATUMS=100000 bench/pipelines.sh   quick run
# See bench/README.md for what each case measures and every BENCH_* variable.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
P1_DATUMS=${BENCH_P1_DATUMS:-10000}     # P1: tiny input files, one datum each
P1_RUNS=${BENCH_P1_RUNS:-3}             # P1: timed runs per tool
P2_FILES=${BENCH_P2_FILES:-100000}      # P2/P3: input files (one datum each) already processed
P2_RUNS=${BENCH_P2_RUNS:-10}            # P2/P3: timed runs per command
P7_DATUMS=${BENCH_P7_DATUMS:-1000000}   # P7: datums planned by `run --question`
P7_RUN=${BENCH_P7_RUN:-1}               # P7: 0 skips running the P7_DATUMS datums (about 15 minutes for 1,000,000 here), planning only
OUT="$SCRIPT_DIR/results/pipelines.md"
JOBS=$(nproc)
positive BENCH_ P1_DATUMS P1_RUNS P2_FILES P2_RUNS P7_DATUMS
need hyperfine; need jq; need ninja ninja-build; need snakemake; need /usr/bin/time time

work_folder pipelines
build_tool
# P2/P3 also time what the RID-specific tool package installs: ReadyToRun code, far less JIT per run
RID=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
log "publishing a ReadyToRun build for ${RID:-?} (P2/P3)"
dotnet publish "$ROOT/tool/PipeBuild.Cli" -c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true \
  -o "$WORK/tool-r2r" -nologo -v quiet -clp:ErrorsOnly >&2 || die "the ReadyToRun publish failed"
PIPE_R2R="dotnet $WORK/tool-r2r/dotnet-pipe.dll"

hf() { local name=$1; shift; hyperfine --style basic --export-json "$WORK/$name.json" "$@" >&2; }
mean() { jq -r ".results[$2].mean" "$WORK/$1.json"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# peak RSS in MiB of a command (GNU time): rss CMD...
rss() { /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >/dev/null 2>"$WORK/rss.err" || { cat "$WORK/rss.err" >&2; die "failed: $*"; }; calc '%.0f' "$(tail -n1 "$WORK/rss") / 1024"; }
# the last job's datum counts: ran/reused/total
last_job() { (cd "$1" && $PIPE job list --output json) | jq -r 'sort_by(.started) | last | "\(.datumsProcessed)/\(.datumsSkipped)/\(.datumsTotal)"'; }
tiny_files() { # tiny_files DIR COUNT: COUNT files of a few bytes each
  mkdir -p "$1"; (cd "$1" && seq -w 1 "$2" | awk '{ print $0 > ("f" $0) ; close("f" $0) }')
}
pipeproj() { # pipeproj FILE [per-datum|batched|builtin]: one datum per input file, copied to the output
  # per-datum: `sh -c 'cp IN OUT'` per datum, as the peers run it; batched: the same cp from one sh loop per worker
  # (DatumBatching); builtin: that loop copying with shell builtins only, for P7, which measures the engine's
  # memory, not a million cp starts (an hour on 2 cores here)
  local loop='tab=`printf "\t"`; while IFS="$tab" read -r id inputs; do' command batching=true
  case ${2:-per-datum} in
    per-datum) command='cp /pfs/data/* /pfs/out/'; batching=false ;;
    batched) command="$loop"' cp /pfs/data/* /pfs/out/; echo $? &gt;"$PIPE_DATUM_ACK"; done' ;;
    builtin) command="$loop"' for f in /pfs/data/*; do read -r x &lt;"$f"; printf "%s\n" "$x" &gt;"/pfs/out/${f##*/}"; done; echo 0 &gt;"$PIPE_DATUM_ACK"; done' ;;
  esac
  cat >"$1" <<EOF
<Project Sdk="PipeBuild.Sdk">
  <PropertyGroup>
    <Command>$command</Command>
    <DatumBatching>$batching</DatumBatching>
    <DatumTries>1</DatumTries>
  </PropertyGroup>
  <ItemGroup>
    <PipeInput Include="data" Glob="/*" />
  </ItemGroup>
</Project>
EOF
}
workspace() { # workspace DIR INPUTDIR [MODE]: a workspace whose repo 'data' holds INPUTDIR, with the copy pipeline (pipeproj MODE) registered
  mkdir -p "$1"; pipeproj "$1/copy.pipeproj" "${3:-per-datum}"
  (cd "$1" && $PIPE init >/dev/null && $PIPE repo create data >/dev/null \
    && $PIPE file put data@master -r -f "$2" --no-run >/dev/null && $PIPE pipeline create -f copy.pipeproj --no-run >/dev/null)
}

# =================================================================== P1
log "P1: $P1_DATUMS tiny datums; PipeBuild vs xargs -P $JOBS vs snakemake -j $JOBS"
tiny_files "$WORK/p1/in" "$P1_DATUMS"
workspace "$WORK/p1/template" "$WORK/p1/in"
workspace "$WORK/p1/template-batched" "$WORK/p1/in" batched
cat >"$WORK/p1/Snakefile" <<'EOF'
FILES, = glob_wildcards("in/{f}")
rule all:
    input: expand("out/{f}", f=FILES)
rule copy:
    input: "in/{f}"
    output: "out/{f}"
    shell: "cp {input} {output}"
EOF
cd "$WORK/p1"
hf p1 --runs "$P1_RUNS" \
  -n "dotnet pipe run" --prepare "rm -rf ws && cp -a template ws" "cd ws && $PIPE run --output json" \
  -n "dotnet pipe run (DatumBatching)" --prepare "rm -rf wsb && cp -a template-batched wsb" "cd wsb && $PIPE run --output json" \
  -n "xargs -P $JOBS" --prepare "rm -rf out && mkdir out" \
     "find in -type f -print0 | xargs -0 -P $JOBS -I{} sh -c 'cp \"\$1\" out/' _ {}" \
  -n "snakemake -j $JOBS" --prepare "rm -rf out .snakemake" "snakemake -j $JOBS --quiet >/dev/null 2>&1"
P1_PIPE=$(mean p1 0); P1_BATCH=$(mean p1 1); P1_XARGS=$(mean p1 2); P1_SMK=$(mean p1 3)
for ws in ws wsb; do
  P1_JOB=$(last_job $ws)
  [[ $P1_JOB == "$P1_DATUMS/0/$P1_DATUMS" ]] || die "P1 ($ws): expected all $P1_DATUMS datums to run, the job says ran/reused/total = $P1_JOB"
done
P1_RSS=$(rm -rf ws && cp -a template ws && cd ws && rss $PIPE run)

# =================================================================== P2 / P3
log "P2/P3: $P2_FILES input files, processed once (PipeBuild and ninja); then no-op and one-file-changed runs"
tiny_files "$WORK/p2/in" "$P2_FILES"
workspace "$WORK/p2/ws" "$WORK/p2/in"
(cd "$WORK/p2/ws" && $PIPE run >/dev/null)
{
  echo "rule copy"; echo "  command = cp \$in \$out"
  find "$WORK/p2/in" -type f -printf 'build out/%f: copy in/%f\n'
} >"$WORK/p2/build.ninja"
(cd "$WORK/p2" && ninja -j "$JOBS" >/dev/null)
cd "$WORK/p2"
hf p2 --warmup 1 --runs "$P2_RUNS" \
  -n "dotnet pipe run (no-op)" "cd ws && $PIPE run" \
  -n "dotnet pipe run --question" "cd ws && $PIPE run --question" \
  -n "ninja (no-op)" "ninja -j $JOBS" \
  -n "dotnet pipe run (no-op, ReadyToRun)" "cd ws && $PIPE_R2R run"
P2_PIPE=$(mean p2 0); P2_Q=$(mean p2 1); P2_NINJA=$(mean p2 2); P2_R2R=$(mean p2 3)
P2_RSS=$(cd ws && rss $PIPE run)
# P3: a new content for one file each run; the put runs the pipeline, which must run exactly one datum
one=$(find "$WORK/p2/in" -type f -print -quit); name=$(basename "$one")   # -quit: no SIGPIPE under pipefail
hf p3 --runs "$P2_RUNS" \
  -n "dotnet pipe file put (1 file changed) + run" --prepare "date +%s%N >$(printf %q "$one")" \
     "cd ws && $PIPE file put data@master:$name -f $(printf %q "$one")" \
  -n "dotnet pipe run (after file put --no-run of 1 changed file)" \
     --prepare "date +%s%N >$(printf %q "$one") && cd ws && $PIPE file put data@master:$name -f $(printf %q "$one") --no-run" \
     "cd ws && $PIPE run" \
  -n "ninja (1 file changed)" --prepare "date +%s%N >$(printf %q "$one")" "ninja -j $JOBS" \
  -n "dotnet pipe run (ReadyToRun, after file put --no-run of 1 changed file)" \
     --prepare "date +%s%N >$(printf %q "$one") && cd ws && $PIPE file put data@master:$name -f $(printf %q "$one") --no-run" \
     "cd ws && $PIPE_R2R run"
P3_PUT=$(mean p3 0); P3_PIPE=$(mean p3 1); P3_NINJA=$(mean p3 2); P3_R2R=$(mean p3 3)
P3_JOB=$(last_job ws)
[[ $P3_JOB == "1/$((P2_FILES - 1))/$P2_FILES" ]] || die "P3: expected exactly one datum to run, the job says ran/reused/total = $P3_JOB"

# =================================================================== P7
log "P7: memory of planning $P7_DATUMS datums (run --question)$([[ $P7_RUN == 1 ]] && echo ", then of running them")"
mkdir -p "$WORK/p7"
tiny_files "$WORK/p7/in" "$P7_DATUMS"
workspace "$WORK/p7/ws" "$WORK/p7/in" builtin   # a cp per datum would take an hour here, for the same engine work
rm -rf "$WORK/p7/in"
cd "$WORK/p7/ws"
# --question exits 1 when something would run, the expected answer here; GNU time then adds a line first
/usr/bin/time -f '%M %e' -o "$WORK/p7.rss" $PIPE run --question >/dev/null 2>&1 || true
read -r P7_Q_KIB P7_Q_SECS < <(tail -n1 "$WORK/p7.rss")
P7_Q_RSS=$(calc '%.0f' "$P7_Q_KIB / 1024")
P7_RUN_RSS="not run (BENCH_P7_RUN=0)"; P7_RUN_MIB=0
if [[ $P7_RUN == 1 ]]; then
  P7_RUN_MIB=$(rss $PIPE run); P7_RUN_RSS="$P7_RUN_MIB MiB peak RSS"
  P7_JOB=$(last_job "$WORK/p7/ws")
  [[ $P7_JOB == "$P7_DATUMS/0/$P7_DATUMS" ]] || die "P7: expected all $P7_DATUMS datums to run, the job says ran/reused/total = $P7_JOB"
fi

# =================================================================== report
mkdir -p "$(dirname "$OUT")"
{
  echo "# PipeBuild pipeline benchmarks"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), dotnet-pipe $VERSION, $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r)"
  echo
  echo "| case | PipeBuild | peer | ratio | goal | met |"
  echo "|---|---|---|---|---|---|"
  echo "| P1: $P1_DATUMS tiny datums | $(calc '%.2f' "$P1_PIPE") s ($(calc '%.2f' "$P1_PIPE * 1000 / $P1_DATUMS") ms/datum) | xargs -P $JOBS $(calc '%.2f' "$P1_XARGS") s; snakemake $(calc '%.2f' "$P1_SMK") s | $(calc '%.2f' "$P1_PIPE / $P1_XARGS")x xargs; snakemake $(calc '%.1f' "$P1_SMK / $P1_PIPE")x slower | ≤ 1.5x xargs; ≥ 5x faster than snakemake | $(awk "BEGIN { print ($P1_PIPE <= 1.5 * $P1_XARGS && $P1_SMK >= 5 * $P1_PIPE) ? \"yes\" : \"**no**\" }") |"
  echo "| P1 with DatumBatching | $(calc '%.2f' "$P1_BATCH") s ($(calc '%.2f' "$P1_BATCH * 1000 / $P1_DATUMS") ms/datum) | xargs -P $JOBS $(calc '%.2f' "$P1_XARGS") s | $(calc '%.2f' "$P1_BATCH / $P1_XARGS")x xargs | ≤ 1.5x xargs | $(awk "BEGIN { print ($P1_BATCH <= 1.5 * $P1_XARGS) ? \"yes\" : \"**no**\" }") |"
  echo "| P2: no-op run, $P2_FILES files | $(calc '%.0f' "$P2_PIPE * 1000") ms (run --question $(calc '%.0f' "$P2_Q * 1000") ms) | ninja $(calc '%.0f' "$P2_NINJA * 1000") ms | $(calc '%.2f' "$P2_PIPE / $P2_NINJA")x | < 1 s, ≤ 3x ninja | $(awk "BEGIN { print ($P2_PIPE < 1 && $P2_PIPE <= 3 * $P2_NINJA) ? \"yes\" : \"**no**\" }") |"
  echo "| P2, ReadyToRun (the tool package) | $(calc '%.0f' "$P2_R2R * 1000") ms | ninja $(calc '%.0f' "$P2_NINJA * 1000") ms | $(calc '%.2f' "$P2_R2R / $P2_NINJA")x | < 1 s, ≤ 3x ninja | $(awk "BEGIN { print ($P2_R2R < 1 && $P2_R2R <= 3 * $P2_NINJA) ? \"yes\" : \"**no**\" }") |"
  echo "| P3: 1 of $P2_FILES files changed | run $(calc '%.0f' "$P3_PIPE * 1000") ms (file put + run $(calc '%.0f' "$P3_PUT * 1000") ms), datums ran/reused/total $P3_JOB | ninja $(calc '%.0f' "$P3_NINJA * 1000") ms | $(calc '%.2f' "$P3_PIPE / $P2_PIPE")x the no-op | exactly 1 datum, < 2x no-op | $(awk "BEGIN { print ($P3_PIPE < 2 * $P2_PIPE) ? \"yes\" : \"**no**\" }") |"
  echo "| P3, ReadyToRun (the tool package) | run $(calc '%.0f' "$P3_R2R * 1000") ms | ninja $(calc '%.0f' "$P3_NINJA * 1000") ms | $(calc '%.2f' "$P3_R2R / $P2_R2R")x the no-op | < 2x no-op | $(awk "BEGIN { print ($P3_R2R < 2 * $P2_R2R) ? \"yes\" : \"**no**\" }") |"
  echo "| P7: memory | planning $P7_DATUMS datums (run --question): $P7_Q_RSS MiB peak RSS in $P7_Q_SECS s; running them (run): $P7_RUN_RSS; run of $P1_DATUMS (P1): $P1_RSS MiB; no-op over $P2_FILES: $P2_RSS MiB | | | < 1 GiB | $(awk "BEGIN { print ($P7_Q_RSS < 1024 && $P7_RUN_MIB < 1024) ? \"yes\" : \"**no**\" }")$([[ $P7_RUN == 1 ]] || echo ", planning only") |"
  echo
  echo "P1 commands: each datum is \`sh -c 'cp IN OUT'\` for every tool (with DatumBatching: \`cp\` from one \`sh\` loop per worker); PipeBuild's time is \`dotnet pipe run\` from a"
  echo "registered, never-run pipeline (a fresh copy of the workspace each run) and includes storing every output and"
  echo "publishing the output commit. P2/P3: ninja's build.ninja has one \`cp\` edge per file."
} >"$OUT"
cat "$OUT"
