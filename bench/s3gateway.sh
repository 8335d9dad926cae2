#!/usr/bin/env bash
# PipeBuild S3 gateway benchmark: a 1 GiB GetObject through `dotnet pipe s3 serve` (with curl, and with the aws
# command line when it is installed) against `dotnet pipe file get` of the same file to stdout, timed by hyperfine.
# The goal: the gateway's throughput at least 0.8x file get's.
# Usage: bench/s3gateway.sh                       1 GiB, 5 runs each
#        BENCH_S3_MIB=256 bench/s3gateway.sh      quick run
# See bench/README.md.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MIB=${BENCH_S3_MIB:-1024}
RUNS=${BENCH_S3_RUNS:-5}
PORT=${BENCH_S3_PORT:-5098}
OUT="$SCRIPT_DIR/results/s3gateway.md"
positive BENCH_S3_ MIB RUNS PORT
need hyperfine; need jq; need curl

work_folder s3gateway
GATEWAY_PID=""
# TERM, not INT: a background job of a script starts with SIGINT ignored
at_exit '[[ -n $GATEWAY_PID ]] && kill -TERM "$GATEWAY_PID" 2>/dev/null && wait "$GATEWAY_PID" 2>/dev/null'
build_tool

log "workspace: one file of $MIB MiB (random bytes)"
WS="$WORK/ws"; mkdir -p "$WS"
cd "$WS"
$PIPE init >/dev/null
head -c "$((MIB * 1024 * 1024))" /dev/urandom >"$WORK/big.bin"
$PIPE repo create data >/dev/null
$PIPE file put data@master:big.bin -f "$WORK/big.bin" --no-run >/dev/null
SUM=$(sha256sum <"$WORK/big.bin" | cut -d' ' -f1)
rm "$WORK/big.bin"

log "starting the gateway on 127.0.0.1:$PORT"
URL="http://127.0.0.1:$PORT"
! curl -s -o /dev/null "$URL/" || die "something already answers on port $PORT: stop it, or set BENCH_S3_PORT"
$PIPE s3 serve --urls "$URL" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "$URL/" && break; sleep 0.2; done
curl -fs -o /dev/null "$URL/" || die "the gateway did not answer: $(cat "$WORK/gateway.log")"
[[ $(curl -fs "$URL/master.data/big.bin" | sha256sum | cut -d' ' -f1) == "$SUM" ]] || die "the gateway did not return the file put"
[[ $($PIPE file get data@master:big.bin | sha256sum | cut -d' ' -f1) == "$SUM" ]] || die "file get did not return the file put"

CASES=(-n "dotnet pipe file get (to stdout)" "$PIPE file get data@master:big.bin >/dev/null"
       -n "GetObject through the gateway (curl)" "curl -fs -o /dev/null $URL/master.data/big.bin")
AWS_ROW=0
if command -v aws >/dev/null 2>&1; then
  printf '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n' >"$WORK/aws-config"
  export AWS_CONFIG_FILE="$WORK/aws-config" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
  CASES+=(-n "GetObject through the gateway (aws s3 cp to stdout)" "aws --endpoint-url $URL s3 cp s3://master.data/big.bin - >/dev/null")
  AWS_ROW=1
fi
hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$WORK/s3.json" "${CASES[@]}" >&2

mean() { jq -r ".results[$1].mean" "$WORK/s3.json"; }
sd() { jq -r ".results[$1].stddev" "$WORK/s3.json"; }
row() { # name, index
  awk -v n="$1" -v m="$(mean "$2")" -v s="$(sd "$2")" -v mib="$MIB" -v base="$(mean 0)" \
    'BEGIN { printf "| %s | %.2f s ± %.2f | %.0f MiB/s | %.2fx |\n", n, m, s, mib / m, base / m }'
}
mkdir -p "$(dirname "$OUT")"
{
  echo "# PipeBuild S3 gateway benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), dotnet-pipe $VERSION, $(nproc) cores, $(uname -r); one file of $MIB MiB, $RUNS runs after a warm-up"
  echo
  echo "| read | time | throughput | vs file get |"
  echo "|---|---|---|---|"
  row "dotnet pipe file get (to stdout)" 0
  row "GetObject through the gateway (curl)" 1
  [[ $AWS_ROW == 1 ]] && row "GetObject through the gateway (aws s3 cp to stdout)" 2
} >"$OUT"
cat "$OUT"
