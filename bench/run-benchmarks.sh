#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds and runs the data-plane micro-benchmarks, and prints the machine they ran on.
#
# Usage: bench/run-benchmarks.sh [BUILD_DIR] [BENCHMARK_OPTION...]
#   BUILD_DIR         a configured CMake build directory (default ./build); configure one with
#                     cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
#   BENCHMARK_OPTION  passed on to the program, for example --benchmark_filter=SED

set -euo pipefail

build_dir=${1:-./build}
if [[ $# -gt 0 ]]; then
    shift
fi
program="$build_dir/marl-lb-bench-dataplane"

if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
    echo "error: $build_dir is not a configured CMake build directory;" \
        "configure it first: cmake -S . -B $build_dir -DCMAKE_BUILD_TYPE=Release" >&2
    exit 1
fi

cmake --build "$build_dir" --target marl-lb-bench-dataplane
if [[ ! -x "$program" ]]; then
    echo "error: $program was not built; install libbenchmark-dev and configure with" \
        "-DMARL_LB_BUILD_BENCHMARKS=ON" >&2
    exit 1
fi

build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
cores=$(lscpu --parse=CORE,SOCKET | grep -v '^#' | sort -u | wc -l)
echo "machine: $(lscpu | sed -n 's/^Model name: *//p')"
echo "cores: $cores (CPUs online: $(nproc))"
echo "kernel: $(uname -r)"
echo "load average before the run: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "build type: ${build_type:-none}"
echo "command: $program --benchmark_min_time=0.2 $*"
echo

"$program" --benchmark_min_time=0.2 "$@"

# The agent step needs libtorch; its program exists only when the agents library was built.
agent_program="$build_dir/marl-lb-bench-agent"
if cmake --build "$build_dir" --target marl-lb-bench-agent >/dev/null 2>&1 && [[ -x "$agent_program" ]]; then
    echo
    echo "command: OPENBLAS_NUM_THREADS=1 $agent_program --benchmark_min_time=0.2 $*"
    OPENBLAS_NUM_THREADS=1 "$agent_program" --benchmark_min_time=0.2 "$@"
else
    echo
    echo "marl-lb-bench-agent is not built (it needs libtorch); agent step not measured"
fi
