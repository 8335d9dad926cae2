#!/usr/bin/env bash
# Runs every test. Installs and starts what tests need first (nothing yet beyond the .NET SDK; later the
# container engine, the S3 server and Python packages), then runs dotnet test over the solution.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
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
