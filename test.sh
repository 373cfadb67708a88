#!/usr/bin/env bash
# The project's test command: installs what the tests need (Redis from apt, Azurite from npm),
# builds, runs every test project, and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
tools="$root/.tools"
mkdir -p "$tools"

# Redis (multi-process clustering tests). The tests start and stop their own servers on free ports.
if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server (apt)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) \
    || echo "warning: redis-server could not be installed" >&2
fi
# Azurite (Azure Blob storage tests), pinned; started by the tests on a free port.
if [ ! -x "$tools/node_modules/.bin/azurite-blob" ]; then
  echo "installing azurite@3.37.0 (npm)"
  (cd "$tools" && npm install --silent --no-audit --no-fund --prefix "$tools" azurite@3.37.0 >/dev/null) \
    || echo "warning: azurite could not be installed" >&2
fi
export SPGD_AZURITE="$tools/node_modules/.bin/azurite-blob"
export SPGD_SHARED="${SPGD_SHARED:-$root/../shared}"

dotnet build Spgd.Cluster.sln -c Release -nologo -v quiet 2>&1 | tail -n 20
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then echo "build failed"; echo "0 passed, 1 failed"; exit 1; fi

results="$root/TestResults"
rm -rf "$results"; mkdir -p "$results"
# shellcheck source=.ci/tally.sh
source "$root/.ci/tally.sh"

# The counting logic itself is tested first: if it could no longer fail, this run must not pass.
if ! bash "$root/.ci/tally-selftest/run.sh"; then FAILED=$((FAILED + 1)); STATUS=1; fi

for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  dotnet test "$proj" -c Release --no-build -nologo --results-directory "$results" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" 2>&1 \
    | tee "$results/$name.log" | grep -E "^\s*(Failed|Passed|Skipped) |error"
  runner=${PIPESTATUS[0]}   # read at once: any later command replaces PIPESTATUS
  tally_project "$name" "$runner" "$results/$name.trx"
done
tally_finish
