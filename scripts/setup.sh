#!/usr/bin/env bash
# Installs the tools spikesweep needs beyond npm packages, once, into ignored caches:
#   - a C++ compiler and CMake (networks are compiled to native code; the addon is built by cmake-js)
#   - the Temporal CLI (its dev server is the local Temporal server of `spikesweep server`, of sweeps
#     with no cluster configured, and of the tests), built with Go by scripts/install-temporal.sh
#     into ~/.cache/spikesweep/bin (outside the clone, so every clone on the machine shares it)
#   - a Python environment with pyarrow and numpy under .cache/python (tests read Parquet and .npy
#     files back with other readers)
#   - the DejaVu fonts (fonts-dejavu-core): `spikesweep report` names DejaVu Sans in its figures,
#     and resvg draws no text without an installed font
#   - (--test) Chromium from Debian's packages: the report and Web UI tests open pages in it
#   - nvcc from NVIDIA's PyPI wheels into ~/.cache/spikesweep/cuda (scripts/install-cuda.sh): the
#     cuda backend's compiler, and the tests' compile checks of its kernels (no GPU needed)
#   - with --test, clang++ and libomp (Debian's clang, libomp-dev): the tests check that clang++
#     and g++ build the same spikes
# Safe to run repeatedly; it only does work that is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v cmake >/dev/null 2>&1 || need_apt+=(cmake)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-venv)
command -v go >/dev/null 2>&1 || need_apt+=(golang-go)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/lib/chromium/chromium ] || need_apt+=(chromium)
  # The compiler tests build with clang++ and OpenMP as well as g++.
  echo '#include <omp.h>' | clang++ -fopenmp -x c++ -fsyntax-only - >/dev/null 2>&1 || need_apt+=(clang libomp-dev)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_apt[*]} with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing ${need_apt[*]}; install them with your package manager" >&2
    exit 1
  fi
fi

bash scripts/install-temporal.sh
bash scripts/install-cuda.sh >/dev/null

if [ "${1:-}" = "--test" ]; then
  py=.cache/python/bin/python
  if ! { [ -x "$py" ] && "$py" -c 'import pyarrow, numpy' 2>/dev/null; }; then
    echo "setup: creating .cache/python with pyarrow and numpy" >&2
    rm -rf .cache/python
    python3 -m venv .cache/python
    "$py" -m pip install -q --disable-pip-version-check pyarrow numpy
  fi
fi
