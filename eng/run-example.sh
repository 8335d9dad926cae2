#!/usr/bin/env bash
# The main job for a new user: build and pack dotnet pipe, install it as a local .NET tool in a fresh folder,
# and run the seed 003 example (linear regression with C# file-based-app transforms: needs only the .NET SDK),
# then the quickstart, each in its own workspace on the embedded local store and executor.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
version="0.1.0-dev.$(date +%s)"
feed="$repo/artifacts/package/example"
work=${WORKDIR:-$(mktemp -d -t pipebuild-example-XXXXXX)}

echo "building and packing dotnet pipe $version ..."
dotnet pack "$repo/tool/PipeBuild.Cli" -c Release -o "$feed" -p:Version="$version" --nologo -v quiet
cd "$work"
dotnet new tool-manifest --force >/dev/null
dotnet tool install PipeBuild.Tool --version "$version" --add-source "$feed" >/dev/null
echo "installed: $(dotnet pipe version | tail -n 1)"
for example in linear-regression-csharp quickstart; do
  echo
  echo "=== examples/$example ==="
  mkdir "$work/$example"
  WORKDIR="$work/$example" PIPE="dotnet pipe" "$repo/examples/$example/run.sh"
done
