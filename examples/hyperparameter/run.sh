#!/usr/bin/env bash
# Seed 004, distributed hyperparameter tuning: split the iris data, train one SVM per (C, gamma) pair (the
# parameters are files cut one value each by --split line), score every model on the test set, and select
# those under an error threshold. Then a stricter threshold: only the selection reruns.
# Needs python3 with pandas and scikit-learn (Debian: python3-pandas python3-sklearn; eng/setup/10-python.sh).
# PIPE is the command to run (default: "dotnet pipe"); WORKDIR where the workspace goes; PARAMETERS a folder with
# other c_parameters.txt and gamma_parameters.txt (default: data/parameters, 11 x 7 values).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
parameters=${PARAMETERS:-$here/data/parameters}
PIPE=${PIPE:-dotnet pipe}
work=${WORKDIR:-$(mktemp -d)}
cd "$work"
step() { printf '\n$ %s\n' "$*"; "$@"; }
pipe() { step $PIPE "$@"; }

pipe init
cp "$here"/pipelines/* .

echo "# setup.sh: the data repositories, the iris data, and one file per parameter value"
pipe repo create raw_data
pipe repo create parameters
pipe file put raw_data@master:iris.csv -f "$here/data/noisy_iris.csv"
pipe file put parameters@master:c_parameters.txt -f "$parameters/c_parameters.txt" --split line
pipe file put parameters@master:gamma_parameters.txt -f "$parameters/gamma_parameters.txt" --split line
pipe file list parameters@master:c_parameters.txt
pipe file get parameters@master:c_parameters.txt/0000000000000000

echo "# the four pipelines: each runs as soon as it is created"
pipe pipeline create -f split.pipeproj
pipe pipeline create -f model.pipeproj
pipe pipeline create -f test.pipeproj
pipe pipeline create -f select.pipeproj
pipe job list

echo "# one model per (C, gamma) pair; the selected ones"
pipe file list model@master
pipe file list select@master

echo "# a stricter threshold: only select reruns, on the stored models and scores"
pipe pipeline update -f select.pipeproj -p:ErrorThreshold=0.05 --reprocess
pipe file list select@master
pipe dag
pipe fsck
echo
echo "done: workspace in $work"
