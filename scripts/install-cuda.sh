#!/usr/bin/env bash
# Installs nvcc for the cuda backend from NVIDIA's PyPI wheels (no system CUDA toolkit needed) into
# ~/.cache/spikesweep/cuda, shared by every clone on the machine. Compiling needs no GPU; running
# does. Prints nvcc's path. Safe to run repeatedly; it only does work that is missing.
# SPIKESWEEP_CUDA_HOME overrides the folder.
set -euo pipefail

version=13.0.88
home="${SPIKESWEEP_CUDA_HOME:-$HOME/.cache/spikesweep/cuda}"
target="$home/$version"
nvcc="$target/nvidia/cu13/bin/nvcc"

if ! { [ -x "$nvcc" ] && "$nvcc" --version >/dev/null 2>&1; }; then
  echo "install-cuda: installing nvcc $version into $target" >&2
  rm -rf "$target.tmp"
  python3 -m pip install -q --disable-pip-version-check --no-deps --target "$target.tmp" \
    "nvidia-cuda-nvcc==$version" "nvidia-cuda-runtime==$version" \
    "nvidia-cuda-crt==$version" "nvidia-nvvm==$version"
  rm -rf "$target"
  mv "$target.tmp" "$target"
fi
echo "$nvcc"
