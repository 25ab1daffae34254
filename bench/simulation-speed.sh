#!/usr/bin/env bash
# Measures simulation speed: the moderate testbed replaying the shipped 400 requests/s trace
# for 60 simulated seconds (10 s to 70 s of the trace, past its ramp-up), once per method,
# printing simulated seconds per wall second and events per second.
#
# Usage: bench/simulation-speed.sh [BUILD_DIR] [METHODS]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
methods=${2:-all}
cmake --build "$build_dir" --target marl-lb-testbed >/dev/null

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, kernel $(uname -r)"
echo "command: $build_dir/marl-lb-testbed --method=$methods --skip=10 --duration=60 --drain=0"
"$build_dir"/marl-lb-testbed --method="$methods" --skip=10 --duration=60 --drain=0 |
  awk '/sim-s\/s/ { print $1, $(NF-3), $(NF-2), $(NF-1), $NF }'
