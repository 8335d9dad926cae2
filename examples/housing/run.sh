#!/usr/bin/env bash
# Seed 000, the intermediate Boston housing example: version a table; data_analysis (pair plot and correlation
# matrix) and split run on it side by side, regression (random forest, r^2, learning curve, model) on the split.
# Then the error dataset (a leaked target column: r^2 near 1), file diff, rollback (every output rebuilt from
# stored results: nothing reruns), and new data (everything downstream reruns).
# Needs python3 with pandas, scikit-learn and matplotlib (Debian: python3-pandas python3-sklearn
# python3-matplotlib; eng/setup/10-python.sh). PIPE is the command to run (default: "dotnet pipe"); WORKDIR
# where the workspace goes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PIPE=${PIPE:-dotnet pipe}
work=${WORKDIR:-$(mktemp -d)}
cd "$work"
step() { printf '\n$ %s\n' "$*"; "$@"; }
pipe() { step $PIPE "$@"; }

pipe init
cp "$here"/pipelines/* .

echo "# step 1: the input data repository"
pipe repo create csv_data
pipe repo list

echo "# step 2: the pipelines (nothing to read yet)"
pipe pipeline create -f data_analysis.pipeproj
pipe pipeline create -f split.pipeproj
pipe pipeline create -f regression.pipeproj

echo "# step 3: the housing data: all three pipelines run"
pipe file put csv_data@master:housing-simplified.csv -f "$here/data/housing-simplified-1.csv"
pipe file list csv_data@master
pipe job list

echo "# step 4: download the results"
pipe file list regression@master
pipe file get regression@master:/ --recursive --output ./regression-1
pipe file get data_analysis@master:/ --recursive --output ./data_analysis-1
pipe file get regression@master:housing-simplified_score.json

echo "# step 5: data with an error (test_feature duplicates the target): everything reruns, r^2 is suspiciously high"
pipe file put csv_data@master:housing-simplified.csv -f "$here/data/housing-simplified-error.csv"
pipe file get regression@master:housing-simplified_score.json

echo "# step 6: inspect the data"
pipe file diff csv_data@master csv_data@master^   # the changed lines: test_feature is new

echo "# step 7: roll back: every output is rebuilt from stored results, nothing reruns"
pipe branch create csv_data@master --head master^
pipe file get regression@master:housing-simplified_score.json

echo "# step 8: more data without the error: everything reruns"
pipe file put csv_data@master:housing-simplified.csv -f "$here/data/housing-simplified-2.csv"
pipe file get regression@master:/ --recursive --output ./regression-2
pipe file get regression@master:housing-simplified_score.json
pipe commit inspect regression@master
pipe job list
pipe dag
pipe fsck
echo
echo "done: workspace in $work"
