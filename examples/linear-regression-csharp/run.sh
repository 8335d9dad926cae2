#!/usr/bin/env bash
# Seed 003, the Go linear-regression tutorial, with its transforms in C# (.NET 10 file-based apps: nothing to
# install but the SDK). Train a model of diabetes progression, predict from attribute files, parallelize the
# predictions (nothing reruns), overwrite the training data (the model and every prediction are rebuilt), and
# switch to the multiple regression model.
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

echo "# the data repositories and the training data"
pipe repo create training
pipe repo create attributes
pipe repo list
pipe file put training@master:diabetes.csv -f "$here/data/diabetes.csv"
pipe file list training@master

echo "# train: the model pipeline runs at once on the training data"
pipe pipeline create -f model.pipeproj
pipe job list
pipe file list model@master
pipe file get model@master:model.json

echo "# predict: one datum per attributes file, each crossed with the model"
pipe pipeline create -f prediction.pipeproj
pipe file put attributes@master -r -f "$here/data/test"
pipe job list
pipe file list prediction@master
pipe file get prediction@master:1.json

echo "# bonus 1: parallelize the inference (10 workers): the results are reused, nothing reruns"
pipe pipeline update -f prediction.pipeproj -p:Parallelism=10
pipe pipeline list

echo "# bonus 2: overwrite the training data (two observations removed): the model and every prediction rerun"
pipe file put training@master:diabetes.csv -o -f "$here/data/diabetes-updated.csv"
pipe file get model@master:model.json
pipe commit inspect prediction@master

echo "# the multiple regression model (bmi and ltg): retrain, and the predictions follow"
pipe pipeline update -f model.pipeproj -p:Attributes="bmi ltg" --reprocess
pipe file get model@master:model.json
pipe file get prediction@master:1.json
pipe dag
pipe fsck
echo
echo "done: workspace in $work"
