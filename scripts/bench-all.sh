#!/usr/bin/env bash
# Runs every `spgd bench` sub-benchmark of the performance issue, one process at a time (peak RSS is per process),
# and keeps each JSON report. Run it on an otherwise idle machine: the load average is recorded in every report.
#   bash scripts/bench-all.sh [OUT_DIR]       (default: bench-results/<UTC date-time>)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
dotnet build src/Client -c Release -nologo -v quiet
spgd=src/Client/bin/Release/net10.0/spgd
run() { local name=$1; shift; echo "== $name: spgd $*"; "$spgd" "$@" --json "$out/$name.json" | tee "$out/$name.txt"; }

run machine      bench machine
run nfe-b1       bench nfe --preset ffhq256 --batch 1 --repeats 3
SPGD_ALLOCATOR=system run nfe-b1-glibc bench nfe --preset ffhq256 --batch 1 --repeats 3
run operators    bench operators --batch 4 --size 256
run restore      bench restore
run restore-t1   bench restore --threads 1
run batching     bench batching --preset ffhq256 --batches 1,2,4 --repeats 2
run orchestration bench orchestration --items 200
run scaleout     bench scaleout --silos 16
echo "reports in $out"
