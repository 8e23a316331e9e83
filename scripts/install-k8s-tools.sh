#!/usr/bin/env bash
# Installs the offline validators of docker/ and k8s/ (tests/k8s.test.ts, tests/docker.test.ts),
# once per machine, into caches outside the clone so fresh clones reuse them:
#   - kustomize v5.7.1, built with `go install` from the Go module proxy:
#       ${SPIKESWEEP_TOOLS_DIR:-~/.cache/spikesweep/bin}/kustomize
#   - npm packages (not project dependencies: only these tests use them), pinned, in
#       ${SPIKESWEEP_K8S_TOOLS_DIR:-~/.cache/spikesweep/k8s-tools}/node_modules
#     kubernetes-models + @kubernetes-models/keda (Kubernetes and KEDA schemas with validate()),
#     dockerfile-ast + dockerfile-utils (Dockerfile parser and linter).
# Debian has no hadolint package (apt-cache policy hadolint: none), hence dockerfile-utils plus
# the rules in tests/docker.test.ts. Fast when everything is there; on failure prints the exact error.
set -euo pipefail

kustomize_version=5.7.1
bin_dir="${SPIKESWEEP_TOOLS_DIR:-$HOME/.cache/spikesweep/bin}"
npm_dir="${SPIKESWEEP_K8S_TOOLS_DIR:-$HOME/.cache/spikesweep/k8s-tools}"
npm_packages=(kubernetes-models@5.1.0 @kubernetes-models/keda@2.0.0 dockerfile-ast@0.7.1 dockerfile-utils@0.16.3)
stamp="$npm_dir/.installed"

mkdir -p "$bin_dir" "$npm_dir"
exec 9>"$bin_dir/.k8s-tools.lock"
command -v flock >/dev/null 2>&1 && flock 9

kustomize="$bin_dir/kustomize"
if ! { [ -x "$kustomize" ] && [ "$("$kustomize" version 2>/dev/null)" = "v$kustomize_version" ]; }; then
  if ! command -v go >/dev/null 2>&1; then
    echo "install-k8s-tools: Go is not installed; kustomize v$kustomize_version is built with 'go install' (scripts/setup.sh installs Go)" >&2
    exit 1
  fi
  echo "install-k8s-tools: building kustomize v$kustomize_version into $bin_dir (go install)" >&2
  tmpbin=$(mktemp -d "$bin_dir/.build.XXXXXX")
  log=$(mktemp)
  trap 'rm -rf "$tmpbin" "$log"' EXIT
  if ! GOBIN="$tmpbin" GOFLAGS="${GOFLAGS:--buildvcs=false}" go install "sigs.k8s.io/kustomize/kustomize/v5@v$kustomize_version" >"$log" 2>&1; then
    echo "install-k8s-tools: 'go install sigs.k8s.io/kustomize/kustomize/v5@v$kustomize_version' failed:" >&2
    cat "$log" >&2
    exit 1
  fi
  mv -f "$tmpbin/kustomize" "$kustomize"
fi

if [ "$(cat "$stamp" 2>/dev/null)" != "${npm_packages[*]}" ]; then
  echo "install-k8s-tools: installing ${npm_packages[*]} into $npm_dir" >&2
  [ -f "$npm_dir/package.json" ] || echo '{ "name": "spikesweep-k8s-tools", "private": true, "type": "module" }' >"$npm_dir/package.json"
  log=$(mktemp)
  if ! npm install --prefix "$npm_dir" --no-audit --no-fund --loglevel=error "${npm_packages[@]}" >"$log" 2>&1; then
    echo "install-k8s-tools: npm install ${npm_packages[*]} failed:" >&2
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  echo "${npm_packages[*]}" >"$stamp"
fi
