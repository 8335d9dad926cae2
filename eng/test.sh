#!/usr/bin/env bash
# Runs every test. First sources each eng/setup/*.sh in name order: each installs and starts one component the
# tests need (container engine, S3 server, Python packages) and exports how to reach it; then builds the solution and
# runs dotnet test on every test project. With CI=true, tests fail (rather than skip) when a component is missing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
for setup in eng/setup/*.sh; do
  [[ -e $setup ]] || continue
  echo "== setup: $setup"
  # shellcheck source=/dev/null
  source "$setup"
done
log=$(mktemp)
dotnet build PipeBuild.sln -c Release --nologo

# The test projects run in two lanes at once, each project after the other within its lane: most tests wait on
# processes, containers and the S3 server rather than compute, and one after another the suite took twice as long on
# a 2-core machine. The projects that pack the MSBuild SDK or run MSBuild builds (examples, tasks, templates) share a
# lane, so that no two of them use the SDK's obj folder at once; the others, led by the longest, take the other lane.
sdk_lane=(tests/PipeBuild.Examples.Tests tests/PipeBuild.Tasks.Tests tests/PipeBuild.Templates.Tests)
other_lane=(tests/PipeBuild.Store.S3.Tests tests/PipeBuild.Executors.Kubernetes.Tests tests/PipeBuild.Executors.Docker.Tests)
for project in tests/*/*.Tests.csproj; do
  folder=$(dirname "$project")
  [[ " ${sdk_lane[*]} ${other_lane[*]} " == *" $folder "* ]] || other_lane+=("$folder")
done
lane() {
  local name=$1 status=0
  shift
  for project in "$@"; do
    dotnet test "$project" -c Release --no-build --nologo || status=1
  done
  echo "$status" > "$log.$name"
}
set +e
# $! is each lane's tee, which ends after its lane; a bare wait would also wait for the servers setup started.
lane sdk "${sdk_lane[@]}" 2>&1 | tee "$log.sdk-output" &
sdk=$!
lane other "${other_lane[@]}" 2>&1 | tee "$log.other-output" &
wait "$sdk" "$!"
set -e
status=$(($(cat "$log.sdk") | $(cat "$log.other")))
cat "$log.sdk-output" "$log.other-output" > "$log"
rm -f "$log".*
# One closing line over all test projects: "N passed, N failed, N skipped".
awk '/(Passed|Failed)!  - Failed:/ {
       for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { gsub(",", "", p); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
