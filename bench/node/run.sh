#!/usr/bin/env bash
# Node sampler benchmark: one full sample of a generated 110-pod x 3-container node vs a C floor and cat.
# Usage: bench/node/run.sh [PODS] [CONTAINERS] [SAMPLES]     (needs python3, gcc, the .NET SDK)
set -euo pipefail
cd "$(dirname "$0")/../.."
pods=${1:-110}; containers=${2:-3}; samples=${3:-2000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 boards/tools/make-fixture.py bench "$work/node" --pods "$pods" --containers "$containers"
gcc -O2 -o "$work/floor" bench/node/floor.c
dotnet build bench/node -c Release -nologo -v q -o "$work/bin" >/dev/null
"$work/bin/EdgeScaler.Node.Benchmarks" "$work/node" "$samples" "$work/paths"
"$work/floor" "$work/paths" 500
files=$(grep -c '^F ' "$work/paths")
start=$(date +%s%N)
for _ in $(seq 20); do grep '^F ' "$work/paths" | cut -c3- | xargs cat > /dev/null 2>&1 || true; done
echo "floor (xargs cat, $files files): $(( ($(date +%s%N) - start) / 20 / 1000 )) us per pass (process start included)"
