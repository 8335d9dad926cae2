#!/usr/bin/env bash
# Seed 002, the data pipeline exercises: (1) train a linear regression model of diabetes progression, (2) put
# attribute files and predict, (3) switch to a multiple regression model: the model and the predictions rerun.
# In the tutorial's pachctl 1.x spellings (put-file ... -c -r). Needs python3 with pandas and scikit-learn
# (Debian: python3-pandas python3-sklearn; eng/setup/10-python.sh).
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

echo "# exercise 1: the repositories, the training data, the training pipeline"
pipe create-repo training
pipe create-repo attributes
pipe put-file training master -c -f "$here/data/diabetes.csv"
pipe create-pipeline -f model.pipeproj
pipe list-job
pipe get-file model master model.txt

echo "# exercise 2: attribute files, the prediction pipeline"
pipe put-file attributes master -c -r -f "$here/data/test"
pipe create-pipeline -f prediction.pipeproj
pipe list-job
pipe list-file prediction master
pipe get-file prediction master 1.csv

echo "# exercise 3: a multiple regression model (bmi and ltg): the model and the predictions rerun"
pipe update-pipeline -f model.pipeproj -p:Attributes="bmi ltg" --reprocess
pipe get-file model master model.txt
pipe get-file prediction master 1.csv
pipe list-job
pipe fsck
echo
echo "done: workspace in $work"
