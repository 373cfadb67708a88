#!/usr/bin/env bash
# ffhq256 network evaluation with gradient in float32, bf16 and the reference's workload, interleaved over ROUNDS rounds
# (one process each: peak RSS is per process), so background load falls on all three alike; then, per round, bf16 and
# float32 timed in alternation in one process (--baseline: the ratio pair by pair, immune to drift between processes;
# its peak RSS covers both networks). Every JSON records the load average and the CPU's flags. Run it on an otherwise
# idle machine.
#   bash scripts/bench-precision.sh [OUT_DIR] [ROUNDS]     (default: bench-results/precision-<UTC date-time>, 2)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-results/precision-$(date -u +%Y%m%dT%H%M%SZ)}
rounds=${2:-2}
mkdir -p "$out"
dotnet build src/Client -c Release -nologo -v quiet
spgd=src/Client/bin/Release/net10.0/spgd
grep -m1 '^flags' /proc/cpuinfo > "$out/cpu-flags.txt" || true
for r in $(seq 1 "$rounds"); do
  for variant in fp32 bf16 reference paired; do
    case $variant in
      reference) args=(--precision fp32 --reference-cost) ;;
      paired) args=(--precision bf16 --baseline fp32) ;;
      *) args=(--precision "$variant") ;;
    esac
    echo "== round $r, $variant"
    "$spgd" bench nfe --preset ffhq256 --batch 1 --repeats 3 --no-forward "${args[@]}" --json "$out/nfe-$variant-r$r.json" \
      | tee "$out/nfe-$variant-r$r.txt" | grep -E "NFE with|pair by pair|peak RSS|load"
  done
done
echo "reports in $out"
