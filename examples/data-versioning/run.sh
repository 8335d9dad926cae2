#!/usr/bin/env bash
# The data-versioning steps of the housing tutorial (seed 000), plus a folder put and a split (seeds 001, 004),
# on the embedded local store. PIPE is the command to run (default: "dotnet pipe"); WORKDIR where to run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PIPE=${PIPE:-dotnet pipe}
work=${WORKDIR:-$(mktemp -d)}
cd "$work"
step() { printf '\n$ %s\n' "$*"; "$@"; }
pipe() { step $PIPE "$@"; }

pipe init
pipe repo create csv_data
pipe file put csv_data@master:housing-simplified.csv -f "$here/data/housing-simplified-1.csv"
pipe file put csv_data@master:housing-simplified.csv -f "$here/data/housing-simplified-error.csv"
pipe file diff csv_data@master csv_data@master^
pipe commit list csv_data@master
echo "# roll back to the good data:"
pipe branch create csv_data@master --head master^
pipe file get csv_data@master:housing-simplified.csv
pipe file put csv_data@master:housing-simplified.csv -f "$here/data/housing-simplified-2.csv"
pipe commit list csv_data@master
pipe repo create attributes
pipe file put attributes@master -r -f "$here/data"
pipe file list attributes@master
pipe repo create parameters
printf '0.1\n1\n10\n100\n' > c_parameters.txt
pipe file put parameters@master:c_parameters.txt -f c_parameters.txt --split line
pipe file list parameters@master:c_parameters.txt
pipe file get attributes@master:/ -r -o ./out
ls -l out
pipe fsck
echo
echo "done: workspace in $work"
