#!/usr/bin/env bash
# Seed 001, iris classification: train a model (Python SVM), infer species from attribute files (two inputs:
# the attributes, one datum per file, crossed with the model), parallelize the inference, switch the model type
# with an update that reprocesses (the inference follows), replace the training data in one commit (start,
# delete, put, finish), and read an inference commit's provenance. Uses pachctl 1.x spellings, as the tutorial.
# Needs python3 with pandas and scikit-learn (Debian: python3-pandas python3-sklearn; eng/setup/10-python.sh).
# PIPE is the command to run (default: "dotnet pipe"); WORKDIR where the workspace goes; PIPELINE_OPTIONS more
# options for every create-pipeline and update-pipeline, e.g. the docker executor:
#   PIPELINE_OPTIONS="-p:Executor=docker -p:Image=localhost/pipebuild-python:test"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PIPE=${PIPE:-dotnet pipe}
work=${WORKDIR:-$(mktemp -d)}
cd "$work"
step() { printf '\n$ %s\n' "$*"; "$@"; }
pipe() { step $PIPE "$@"; }
read -r -a options <<<"${PIPELINE_OPTIONS:-}"

pipe init
cp "$here"/pipelines/* .

echo "# 2. the input data repositories"
pipe create-repo training
pipe create-repo attributes
pipe list-repo

echo "# 3. the training data set"
pipe put-file training master -c -f "$here/data/iris.csv"
pipe list-file training master

echo "# 4. the training pipeline: a job trains the model at once"
pipe create-pipeline -f model.pipeproj "${options[@]}"
pipe list-job
pipe list-file model master

echo "# 5. the input attributes"
pipe put-file attributes master -c -r -f "$here/data/test"
pipe list-file attributes master

echo "# 6. the inference pipeline: one datum per attributes file"
pipe create-pipeline -f inference.pipeproj "${options[@]}"
pipe list-job

echo "# 7. the results"
pipe list-file inference master
pipe get-file inference master 1.csv
pipe get-file inference master 2.csv

echo "# 8. parallelize the inference (10 workers): nothing reruns"
pipe update-pipeline -f inference.pipeproj -p:Parallelism=10 "${options[@]}"

echo "# 9. update the model training (SVM to LDA), reprocessing: the model and the inferences are rebuilt"
pipe update-pipeline -f model.pipeproj -p:ModelType=lda --reprocess "${options[@]}"
pipe list-job
pipe get-file inference master 2.csv

echo "# 10. update the training data set: one commit that deletes iris.csv and puts a copy without two rows"
sed '1,2d' "$here/data/iris.csv" > iris.csv
id=$($PIPE start-commit training master)
echo "started commit $id"
pipe delete-file training "$id" iris.csv
pipe put-file training "$id" -f iris.csv
pipe finish-commit training "$id"
pipe list-job

echo "# 11. provenance of the latest inference: the training, attributes and model commits it came from"
json() { python3 -c "import json, sys; print($1)"; }
inference=$($PIPE inspect-commit inference master --output json | json 'json.load(sys.stdin)["id"]')
pipe inspect-commit inference "$inference"
model=$($PIPE inspect-commit inference "$inference" --output json |
  json 'next(p["commit"] for p in json.load(sys.stdin)["provenance"] if p["repo"] == "model")')
pipe list-file model "$model"
pipe fsck
echo
echo "done: workspace in $work"
