#!/usr/bin/env bash
# Installs the Debian 12 packages that marl-lb needs (only those missing), then configures and
# builds the module with CMake, Ninja and ccache into ./build (or $MARL_LB_BUILD_DIR).
#
# Usage: scripts/setup.sh [--no-build]
# Needs root, or sudo, only when a package is missing.
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir=${MARL_LB_BUILD_DIR:-build}

# Build and test tools, the simulator, learning and emulation libraries (see doc/marl-lb.rst,
# "Building"), and what the real-server testbed of realnet-bridge/ runs.
packages=(
  g++ cmake ninja-build ccache pkg-config
  libns3-dev ns3 libgsl-dev libboost-dev libsqlite3-dev sqlite3
  libtorch-dev libopenblas0-pthread
  libdpdk-dev dpdk-dev
  libbenchmark-dev gnuplot-nox libtcmalloc-minimal4
  apache2 apache2-utils libapache2-mod-php wrk curl iputils-ping iproute2
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${#missing[@]} missing packages: ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null; then
      echo "setup: packages are missing and this user is not root; run as root or install sudo" >&2
      exit 1
    fi
    sudo="sudo"
  fi
  # Keep package scripts from starting services (apache2) on this machine: the real-server
  # testbed starts its own Apache instances inside network namespaces.
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null
    $sudo chmod 755 $policy
    added_policy=1
  fi
  trap '[[ $added_policy -eq 1 ]] && $sudo rm -f '"$policy" EXIT
  $sudo apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
else
  echo "setup: all ${#packages[@]} Debian packages are installed"
fi

if [[ "${1:-}" == "--no-build" ]]; then
  exit 0
fi

# Let ccache reuse objects compiled in another checkout of the same sources: paths are hashed
# relative to the checkout, and the working directory of debug builds is left out.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
cmake --build "$build_dir"
