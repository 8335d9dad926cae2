#!/usr/bin/env bash
# PipeBuild console benchmark P9: server time and bytes of the pages a user opens first, on a workspace of 50
# pipelines and a job of 100,000 datums, and the CPU the console uses while idle (no page open, then one page
# listening for changes). Pages are fetched with curl, timed by hyperfine.
# Usage: bench/console.sh                                    50 pipelines, 100,000 datums (about 5 minutes)
#        BENCH_P9_PIPELINES=10 BENCH_P9_DATUMS=10000 bench/console.sh   quick run
# See bench/README.md.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PIPELINES=${BENCH_P9_PIPELINES:-50}
DATUMS=${BENCH_P9_DATUMS:-100000}
IDLE=${BENCH_P9_IDLE_SECONDS:-60}
PORT=${BENCH_P9_PORT:-5099}
OUT="$SCRIPT_DIR/results/console.md"
positive BENCH_P9_ PIPELINES DATUMS IDLE PORT
need hyperfine; need jq; need curl

work_folder console
CONSOLE_PID=""; LISTENER_PID=""
at_exit '[[ -n $LISTENER_PID ]] && kill "$LISTENER_PID" 2>/dev/null'
# TERM, not INT: a background job of a script starts with SIGINT ignored
at_exit '[[ -n $CONSOLE_PID ]] && kill -TERM "$CONSOLE_PID" 2>/dev/null && wait "$CONSOLE_PID" 2>/dev/null'
build_tool

log "workspace: $PIPELINES pipelines in chains of 5, and one of $DATUMS datums"
WS="$WORK/ws"; mkdir -p "$WS/in" "$WS/big"
cd "$WS"
$PIPE init >/dev/null
(cd in && seq 1 10 | awk '{ print $0 > ("f" $0); close("f" $0) }')
(cd big && seq -w 1 "$DATUMS" | awk '{ print $0 > ("f" $0); close("f" $0) }')
$PIPE repo create data >/dev/null; $PIPE file put data@master -r -f in --no-run >/dev/null
$PIPE repo create many >/dev/null; $PIPE file put many@master -r -f big --no-run >/dev/null
rm -rf in big
for ((i = 1; i <= PIPELINES; i++)); do
  name=$(printf 'p%02d' "$i"); input=data
  ((i % 5 != 1)) && input=$(printf 'p%02d' $((i - 1)))
  printf '{"pipeline":{"name":"%s"},"transform":{"cmd":["sh","-c","cp -r /pfs/%s/. /pfs/out/"]},"input":{"pfs":{"repo":"%s","glob":"/*"}}}\n' \
    "$name" "$input" "$input" >"$name.json"
  $PIPE pipeline create -f "$name.json" --no-run >/dev/null
done
# The big job copies with shell builtins from one loop per worker (DatumBatching), as P7 does: the engine's work, not 100,000 cp starts.
cat >big.pipeproj <<'EOF'
<Project Sdk="PipeBuild.Sdk">
  <PropertyGroup>
    <Command>tab=`printf "\t"`; while IFS="$tab" read -r id inputs; do for f in /pfs/many/*; do read -r x &lt;"$f"; printf "%s\n" "$x" &gt;"/pfs/out/${f##*/}"; done; echo 0 &gt;"$PIPE_DATUM_ACK"; done</Command>
    <DatumBatching>true</DatumBatching>
  </PropertyGroup>
  <ItemGroup>
    <PipeInput Include="many" Glob="/*" />
  </ItemGroup>
</Project>
EOF
$PIPE pipeline create -f big.pipeproj --no-run >/dev/null
log "running every pipeline once"
$PIPE run >/dev/null
JOB=$($PIPE job list --pipeline big --output json | jq -r '.[0].id')
[[ $($PIPE job list --pipeline big --output json | jq -r '.[0].datumsTotal') == "$DATUMS" ]] || die "the big job does not have $DATUMS datums"

log "starting the console on 127.0.0.1:$PORT"
! curl -s -o /dev/null "http://127.0.0.1:$PORT/" || die "something already answers on port $PORT: stop it, or set BENCH_P9_PORT"
$PIPE console --urls "http://127.0.0.1:$PORT" >"$WORK/console.log" 2>&1 &
CONSOLE_PID=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/" || die "the console did not answer: $(cat "$WORK/console.log")"
URL="http://127.0.0.1:$PORT"
# The first request of each page after start: the JIT, and (the job page) reading its 100,000-row datum table,
# which the console then keeps; hyperfine's runs below come after 3 warm-ups.
ms() { curl -fs -o /dev/null -w '%{time_total}' "$1" | awk '{ printf "%.0f", $1 * 1000 }'; }
COLD_GRAPH=$(ms "$URL/"); COLD_JOB=$(ms "$URL/jobs/$JOB"); COLD_PIPELINE=$(ms "$URL/pipelines/p01")

hyperfine --style basic --warmup 3 --runs 20 --export-json "$WORK/p9.json" \
  -n "graph page, $PIPELINES pipelines" "curl -fs -o /dev/null $URL/" \
  -n "job page, first 100 of $DATUMS datums" "curl -fs -o /dev/null $URL/jobs/$JOB" \
  -n "job page, failed datums only" "curl -fs -o /dev/null '$URL/jobs/$JOB?state=failed'" \
  -n "pipeline page" "curl -fs -o /dev/null $URL/pipelines/p01" \
  -n "curl of a static file (the floor)" "curl -fs -o /dev/null $URL/console.css" >&2
bytes() { curl -fs -o /dev/null -w '%{size_download}' "$1"; }
B_GRAPH=$(bytes "$URL/"); B_JOB=$(bytes "$URL/jobs/$JOB")

cpu() { awk '{ print $14 + $15 }' "/proc/$CONSOLE_PID/stat"; } # utime + stime, clock ticks
TICK=$(getconf CLK_TCK)
log "idle CPU: $IDLE s with no page open"
sleep 5; a=$(cpu); sleep "$IDLE"; b=$(cpu)
IDLE_NONE=$(awk "BEGIN { printf \"%.2f\", ($b - $a) / $TICK }")
log "idle CPU: $IDLE s with one page listening for changes (/events)"
curl -fsN "$URL/events" >/dev/null 2>&1 &
LISTENER_PID=$!
sleep 5; a=$(cpu); sleep "$IDLE"; b=$(cpu)
IDLE_ONE=$(awk "BEGIN { printf \"%.2f\", ($b - $a) / $TICK }")

mean() { jq -r ".results[$1].mean * 1000" "$WORK/p9.json"; }
sd() { jq -r ".results[$1].stddev * 1000" "$WORK/p9.json"; }
mkdir -p "$(dirname "$OUT")"
{
  echo "# PipeBuild console benchmark (P9)"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), dotnet-pipe $VERSION, $(nproc) cores, $(uname -r); $PIPELINES pipelines, a job of $DATUMS datums"
  echo
  echo "| request | first request after start | time (curl, 20 runs after 3 warm-ups) | bytes |"
  echo "|---|---|---|---|"
  printf '| graph page (`/`), %s pipelines | %s ms | %.0f ms ± %.0f | %s |\n' "$PIPELINES" "$COLD_GRAPH" "$(mean 0)" "$(sd 0)" "$B_GRAPH"
  printf '| job page, first 100 of %s datums | %s ms | %.0f ms ± %.0f | %s |\n' "$DATUMS" "$COLD_JOB" "$(mean 1)" "$(sd 1)" "$B_JOB"
  printf '| job page, failed datums only | | %.0f ms ± %.0f | |\n' "$(mean 2)" "$(sd 2)"
  printf '| pipeline page | %s ms | %.0f ms ± %.0f | |\n' "$COLD_PIPELINE" "$(mean 3)" "$(sd 3)"
  printf '| a static file (curl and the server'"'"'s floor) | | %.0f ms ± %.0f | |\n' "$(mean 4)" "$(sd 4)"
  echo
  echo "| idle, $IDLE s | CPU time |"
  echo "|---|---|"
  echo "| no page open | $IDLE_NONE s |"
  echo "| one page listening for changes | $IDLE_ONE s |"
} >"$OUT"
cat "$OUT"
