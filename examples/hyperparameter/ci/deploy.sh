#!/usr/bin/env bash
# Seed 004's CI flow: build the image that trains the model (ci/Dockerfile: train.py on a Python image), tag it
# with the commit, set that tag in the model pipeline and update it with reprocess, under the docker executor:
# every model is trained again in the new image, and test and select follow.
# Run it in the workspace run.sh made (WORKDIR, default the current folder), which holds model.pipeproj.
#   PIPE           the command to run (default: "dotnet pipe")
#   CONTAINER_CLI  what builds the image: docker if on PATH, else podman
#   MODEL_IMAGE    the image's name (default: localhost/hyperparameter-model)
#   IMAGE_TAG      its tag (default: the git short sha of this example's checkout, else a UTC timestamp)
#   BASE_IMAGE     an image with python3, numpy and scikit-learn (default: localhost/pipebuild-python:test)
#   PUSH=true      push the image first, for an engine that pulls from a registry
# The engine the docker executor uses is DOCKER_HOST (or the default socket); it must see the image the CLI built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
example=$(dirname "$here")
PIPE=${PIPE:-dotnet pipe}
if [[ -z ${CONTAINER_CLI:-} ]]; then
  if command -v docker >/dev/null 2>&1; then CONTAINER_CLI=docker; else CONTAINER_CLI=podman; fi
fi
tag=${IMAGE_TAG:-$(git -C "$example" rev-parse --short HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)}
image=${MODEL_IMAGE:-localhost/hyperparameter-model}:$tag
cd "${WORKDIR:-.}"
step() { printf '\n$ %s\n' "$*"; "$@"; }
pipe() { step $PIPE "$@"; }

echo "# 1. build the image that trains the model"
step "$CONTAINER_CLI" build -t "$image" --build-arg "BASE=${BASE_IMAGE:-localhost/pipebuild-python:test}" \
  -f "$here/Dockerfile" "$example/pipelines"
if [[ ${PUSH:-} == true ]]; then
  echo "# 2. push it to the registry"
  step "$CONTAINER_CLI" push "$image"
fi

echo "# 3-4. set the new tag in the model pipeline and update it with reprocess: every model is trained again"
pipe pipeline update -f model.pipeproj "-p:Image=$image" -p:Executor=docker --reprocess
pipe pipeline inspect model
pipe job list
echo
echo "deployed $image"
