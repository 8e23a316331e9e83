#!/usr/bin/env bash
# Builds the Temporal CLI (whose `temporal server start-dev` is the local dev server spikesweep uses
# for `spikesweep server`, the embedded sweep default and the tests) once per machine, into a cache
# outside the clone so fresh clones reuse it:
#   ${SPIKESWEEP_TOOLS_DIR:-$HOME/.cache/spikesweep/bin}/temporal
# v1.5.1 is the newest release whose go.mod has no replace directive (later ones refuse
# `go install`). Fast when the binary is already there. If it cannot be built, prints the exact
# error and exits non-zero: there is no substitute for the real server.
set -euo pipefail

version=1.5.1
dir="${SPIKESWEEP_TOOLS_DIR:-$HOME/.cache/spikesweep/bin}"
bin="$dir/temporal"

installed_version() {
  # `temporal --version` prints e.g. "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)".
  "$bin" --version 2>/dev/null | sed -n 's/^temporal version \([^ ]*\).*/\1/p'
}

if [ -x "$bin" ] && [ "$(installed_version)" = "$version" ]; then
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-temporal: Go is not installed; the Temporal CLI v$version is built with 'go install'." >&2
  echo "install-temporal: install Go (https://go.dev/dl/, or your package manager's golang package) and run scripts/install-temporal.sh again" >&2
  exit 1
fi

# Another `go install` of the same module (a concurrent setup) would race on the same output file:
# wait for it instead of starting a second one.
lock="$dir/.install.lock"
mkdir -p "$dir"
exec 9>"$lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
  if [ -x "$bin" ] && [ "$(installed_version)" = "$version" ]; then exit 0; fi
fi

echo "install-temporal: building the Temporal CLI v$version into $dir (go install; a few minutes the first time)" >&2
start=$(date +%s)
log=$(mktemp)
# Build into a temporary GOBIN and move into place, so an interrupted build never leaves a
# half-written binary that looks installed.
tmpbin=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$tmpbin" "$log"' EXIT
# go install does not stamp the release version (goreleaser does, through this -X flag); without it
# `temporal --version` says 0.0.0-DEV and this script could not tell which version is installed.
ldflags="-X github.com/temporalio/cli/temporalcli.Version=$version"
if ! GOBIN="$tmpbin" GOFLAGS="${GOFLAGS:--buildvcs=false}" go install -ldflags "$ldflags" "github.com/temporalio/cli/cmd/temporal@v$version" >"$log" 2>&1; then
  echo "install-temporal: 'go install github.com/temporalio/cli/cmd/temporal@v$version' failed:" >&2
  cat "$log" >&2
  exit 1
fi
mv -f "$tmpbin/temporal" "$bin"

got=$(installed_version)
if [ "$got" != "$version" ]; then
  echo "install-temporal: built $bin but '$bin --version' printed:" >&2
  "$bin" --version >&2 || true
  exit 1
fi
echo "install-temporal: $("$bin" --version) installed in $(( $(date +%s) - start )) s" >&2
