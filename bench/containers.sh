#!/usr/bin/env bash
# PipeBuild container benchmark P8: many tiny datums under the docker executor, beside `docker run` per datum
# (xargs -P) on the same engine and the local executor on the same data.
# Rows: the docker executor as it ships (one container per worker: docs/executors.md#containers-that-stay-up),
# the same pipeline on an image without /bin/sh (its fallback: a container per datum, as before), `podman run`
# per datum under xargs -P, and the local executor (no container at all).
# Usage: bench/containers.sh                        200 datums, 3 runs each (about 15 minutes on 2 cores)
#        BENCH_P8_DATUMS=50 BENCH_P8_RUNS=1 bench/containers.sh   quick run
# Needs the container engine of the tests: it sources eng/setup/20-container-engine.sh (Podman, DOCKER_HOST,
# the busybox test image). See bench/README.md.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DATUMS=${BENCH_P8_DATUMS:-200}
RUNS=${BENCH_P8_RUNS:-3}
OUT="$SCRIPT_DIR/results/containers.md"
JOBS=$(nproc)
IMAGE=localhost/pipebuild-busybox:test
NOSHELL=localhost/pipebuild-bench-noshell:p8
positive BENCH_P8_ DATUMS RUNS
need hyperfine; need jq
# shellcheck source=/dev/null
source "$ROOT/eng/setup/20-container-engine.sh" >&2
[[ ${DOCKER_HOST:-} == unix://* ]] || die "no container engine (eng/setup/20-container-engine.sh did not set DOCKER_HOST)"
podman image exists "$IMAGE" || die "the test image $IMAGE is missing"

work_folder containers
at_exit 'podman rmi -f "$NOSHELL" >/dev/null 2>&1'
build_tool

log "making $NOSHELL: the busybox test image without /bin/sh"
podman rm -f pipebuild-bench-noshell >/dev/null 2>&1 || true
podman run --name pipebuild-bench-noshell --network none "$IMAGE" /bin/busybox rm /bin/sh >/dev/null
podman commit -q pipebuild-bench-noshell "$NOSHELL" >/dev/null
podman rm -f pipebuild-bench-noshell >/dev/null

# Every row runs the same program per datum, with no shell: busybox cp of the datum's one file into the output folder.
mkdir -p "$WORK/in"
(cd "$WORK/in" && seq -w 1 "$DATUMS" | awk '{ print $0 > ("f" $0); close("f" $0) }')
workspace() { # workspace NAME EXECUTOR [IMAGE]
  local ws="$WORK/$1"; mkdir -p "$ws"
  cat >"$ws/copy.pipeproj" <<EOF
<Project Sdk="PipeBuild.Sdk">
  <PropertyGroup>
    <Executor>$2</Executor>
    <Image>${3:-}</Image>
    <Command>/bin/busybox cp -r /pfs/data/. /pfs/out/</Command>
    <CommandShell>none</CommandShell>
    <Parallelism>$JOBS</Parallelism>
    <DatumTries>1</DatumTries>
  </PropertyGroup>
  <ItemGroup>
    <PipeInput Include="data" Glob="/*" />
  </ItemGroup>
</Project>
EOF
  [[ $2 == local ]] && sed -i 's|/bin/busybox cp|cp|' "$ws/copy.pipeproj"
  (cd "$ws" && $PIPE init >/dev/null && $PIPE repo create data >/dev/null \
    && $PIPE file put data@master -r -f "$WORK/in" --no-run >/dev/null && $PIPE pipeline create -f copy.pipeproj --no-run >/dev/null)
}
workspace worker docker "$IMAGE"
workspace noshell docker "$NOSHELL"
workspace local local
ran() { (cd "$WORK/$1" && $PIPE job list --output json) | jq -r 'sort_by(.started) | last | "\(.datumsProcessed)/\(.datumsSkipped)/\(.datumsTotal)"'; }

cd "$WORK"
log "P8: $DATUMS datums, $JOBS workers, $RUNS runs per row"
hyperfine --style basic --runs "$RUNS" --export-json "$WORK/p8.json" \
  -n "dotnet pipe run (docker, a container per worker)" --prepare "rm -rf w && cp -a worker w" "cd w && $PIPE run" \
  -n "dotnet pipe run (docker, image without /bin/sh: a container per datum)" --prepare "rm -rf n && cp -a noshell n" "cd n && $PIPE run" \
  -n "podman run per datum, xargs -P $JOBS" --prepare "rm -rf out && mkdir out" \
     "ls in | xargs -P $JOBS -I{} podman run --rm --network none -v $WORK/in/{}:/pfs/data/{}:ro -v $WORK/out:/pfs/out $IMAGE /bin/busybox cp -r /pfs/data/. /pfs/out/" \
  -n "dotnet pipe run (local)" --prepare "rm -rf l && cp -a local l" "cd l && $PIPE run" >&2
for ws in w n l; do
  [[ $(ran $ws) == "$DATUMS/0/$DATUMS" ]] || die "P8 ($ws): expected all $DATUMS datums to run, the job says ran/reused/total = $(ran $ws)"
done
[[ $(ls out | wc -l) == "$DATUMS" ]] || die "P8 (podman run): expected $DATUMS outputs"

mean() { jq -r ".results[$1].mean" "$WORK/p8.json"; }
sd() { jq -r ".results[$1].stddev // 0" "$WORK/p8.json"; }
row() { awk "BEGIN { printf \"| %s | %.2f s ± %.2f | %.0f ms |\", \"$2\", $(mean "$1"), $(sd "$1"), $(mean "$1") * 1000 / $DATUMS }"; }
mkdir -p "$(dirname "$OUT")"
{
  echo "# PipeBuild container benchmark (P8)"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), dotnet-pipe $VERSION, $(podman --version), $(nproc) cores, $(uname -r); $DATUMS datums, $JOBS workers, $RUNS runs"
  echo
  echo "| row | time | per datum |"
  echo "|---|---|---|"
  row 0 "docker executor: a container per worker"; echo
  row 1 "docker executor, image without /bin/sh: a container per datum"; echo
  row 2 "\`podman run --rm\` per datum, \`xargs -P $JOBS\`"; echo
  row 3 "local executor (no container)"; echo
  echo
  echo "Each row copies every datum's file with busybox \`cp\`; the PipeBuild rows start from a registered, never-run pipeline and include storing the outputs and the commit."
} >"$OUT"
cat "$OUT"
