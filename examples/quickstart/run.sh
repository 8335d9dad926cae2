#!/usr/bin/env bash
# The housing tutorial's data and pipeline steps (seed 000) on the embedded local store and local executor:
# version a table, run two pipelines (a shell split and a C# stats transform) on it, put bad data (the job
# fails and the old output stays), diff, roll back (outputs are rebuilt from stored results: nothing reruns),
# and put new data (only the changed datums rerun). Plus a folder put and a --split (seeds 001 and 004).
# PIPE is the command to run (default: "dotnet pipe"); WORKDIR where the workspace goes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PIPE=${PIPE:-dotnet pipe}
work=${WORKDIR:-$(mktemp -d)}
cd "$work"
step() { printf '\n$ %s\n' "$*"; "$@"; }
pipe() { step $PIPE "$@"; }

pipe init
cp "$here"/pipelines/* .
pipe repo create csv_data
pipe file put csv_data@master:housing-simplified.csv -f "$here/data/housing-simplified-1.csv"
pipe pipeline create -f split.pipeproj
pipe pipeline create -f stats.pipeproj
pipe file get stats@master:rows-aa.json
pipe job list

echo "# bad data: the stats job fails (exit code 2) and stats@master keeps its output"
pipe file put csv_data@master:housing-simplified.csv -f "$here/data/housing-simplified-error.csv" || echo "(exit code $?, as expected)"
pipe file diff csv_data@master csv_data@master^
pipe commit list csv_data@master

echo "# roll back: downstream outputs are rebuilt from stored results, no transform runs"
pipe branch create csv_data@master --head master^
pipe file get csv_data@master:housing-simplified.csv

echo "# new data: only the datums whose rows changed rerun"
pipe file put csv_data@master:housing-simplified.csv -f "$here/data/housing-simplified-2.csv"
pipe file list stats@master
pipe commit inspect stats@master
pipe run --question
pipe dag

echo "# folder put and split"
pipe repo create attributes
pipe file put attributes@master -r -f "$here/data"
pipe repo create parameters
printf '0.1\n1\n10\n100\n' > c_parameters.txt
pipe file put parameters@master:c_parameters.txt -f c_parameters.txt --split line
pipe file list parameters@master:c_parameters.txt
pipe file get stats@master:/ -r -o ./out
ls -l out
pipe fsck
echo
echo "done: workspace in $work"
