#!/usr/bin/env bash
# Runs every test. First sources each eng/setup/*.sh in name order: each installs and starts one component the
# tests need (container engine, S3 server, Python packages) and exports how to reach it; then runs dotnet test
# over the solution. With CI=true, tests fail (rather than skip) when a component is missing.
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
set +e
dotnet test PipeBuild.sln -c Release --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over all test projects: "N passed, N failed, N skipped".
awk '/(Passed|Failed)!  - Failed:/ {
       for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { gsub(",", "", p); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
