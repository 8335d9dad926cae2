#!/usr/bin/env bash
# Logs of any size (the reliability issue, §4): the peak memory of `dotnet pipe run` for a datum that prints
# BENCH_LOG_MB megabytes (default 200) to stdout, beside the same datum writing them to /pfs/out only; then the peak
# memory of `job logs`, and that it prints exactly the bytes the transform wrote (their SHA-256 against the output
# file's). Results in bench/results/logs.md. Settings: BENCH_LOG_MB, BENCH_TMPDIR, BENCH_KEEP.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MB=${BENCH_LOG_MB:-200}
positive BENCH_LOG_ MB
need jq
need /usr/bin/time time
work_folder logs
build_tool

cd "$WORK"
$PIPE init >/dev/null
$PIPE repo create data >/dev/null
echo x >x.txt
$PIPE file put data@master:x.txt -f x.txt >/dev/null
for name in silent loud; do
  # MB megabytes of 100-character lines; the loud datum also prints them.
  print="> /pfs/out/printed"; [[ $name == loud ]] && print="| tee /pfs/out/printed"
  jq -n --arg name "$name" --arg script "{ head -c $((MB * 1000 * 1000)) /dev/zero | tr '\\\\0' a | fold -w 100; echo; } $print" \
    '{pipeline: {name: $name}, input: {pfs: {repo: "data", glob: "/*"}}, transform: {cmd: ["sh", "-c", $script]}}' >"$name.json"
  $PIPE pipeline create -f "$name.json" --no-run >/dev/null
done

peak() { # peak NAME COMMAND...: runs it, records its peak resident memory in MiB in PEAK[NAME]
  local name=$1; shift
  /usr/bin/time -f %M -o "$WORK/rss" "$@" >"$WORK/$name.out" || die "$name failed: $(tail -3 "$WORK/$name.out")"
  PEAK[$name]=$(($(cat "$WORK/rss") / 1024))
  log "$name: peak $((PEAK[$name])) MiB"
}
declare -A PEAK
peak run-silent $PIPE run silent
peak run-loud $PIPE run loud
job=$($PIPE job list --pipeline loud --output json | jq -r '.[0].id')
peak job-logs $PIPE job logs "$job"

printed=$($PIPE file get loud@master:printed | sha256sum | cut -d' ' -f1)
shown=$(tail -n +3 "$WORK/job-logs.out" | sha256sum | cut -d' ' -f1) # after the datum's and the try's header lines
logged=$(( $(wc -c <"$WORK/job-logs.out") ))
[[ $printed == "$shown" ]] && same=yes || same=no

results=$ROOT/bench/results/logs.md
mkdir -p "$(dirname "$results")"
{
  echo "# Logs of any size"
  echo
  echo "\`bench/logs.sh\` on $(date -u +%Y-%m-%d), dotnet pipe $VERSION, $(nproc) cores: one datum printing $MB MB (100-character lines) to stdout."
  echo
  echo "| Command | Peak memory (MiB) |"
  echo "|---|---:|"
  echo "| \`run\`, the datum writes $MB MB to /pfs/out only | ${PEAK[run-silent]} |"
  echo "| \`run\`, the datum also prints them | ${PEAK[run-loud]} |"
  echo "| \`job logs\` of that datum ($logged bytes out) | ${PEAK[job-logs]} |"
  echo
  echo "Printing costs $((PEAK[run-loud] - PEAK[run-silent])) MiB more than staying silent (the goal: under 128)."
  echo "\`job logs\` printed exactly the bytes the transform wrote (SHA-256 equal to the output file's): $same."
} >"$results"
cat "$results"
[[ $same == yes ]] || die "job logs did not print what the transform wrote"
