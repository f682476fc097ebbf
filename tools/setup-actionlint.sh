#!/usr/bin/env bash
# Prints the path of `actionlint` at the pinned version (tools/versions.env) on stdout; progress goes
# to stderr. Built once with Go from the module proxy into the cache ($PULUMI_AKASH_CACHE, default
# ~/.cache/pulumi-akash) and never rebuilt; an `actionlint` on PATH at that version is used as is.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/versions.env"
cache=${PULUMI_AKASH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akash}
log() { echo "setup-actionlint: $*" >&2; }

if command -v actionlint >/dev/null 2>&1 && [ "$(actionlint -version 2>/dev/null | head -1)" = "v$ACTIONLINT_VERSION" ]; then
  command -v actionlint
  exit 0
fi
bin="$cache/actionlint-v$ACTIONLINT_VERSION/actionlint"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null 2>&1 || { log "cannot build actionlint v$ACTIONLINT_VERSION: install Go (https://go.dev/dl)"; exit 1; }
mkdir -p "$cache"
exec 9>"$cache/.actionlint.lock"
flock 9 2>/dev/null || true
[ -x "$bin" ] && { echo "$bin"; exit 0; }
log "building actionlint v$ACTIONLINT_VERSION from the Go module proxy (first run only)"
tmp=$(mktemp -d "$cache/actionlint-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-mod=mod go install -trimpath -ldflags "-s -w" \
  "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION" >&2
mkdir -p "$(dirname "$bin")" && mv "$tmp/actionlint" "$bin"
echo "$bin"
