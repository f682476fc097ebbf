#!/usr/bin/env bash
# Prints a directory holding `pulumi-language-yaml` (the Pulumi YAML language host) at the pinned
# version on stdout; progress goes to stderr. Built once from the Go module proxy into the cache
# ($PULUMI_AKASH_CACHE, default ~/.cache/pulumi-akash), keyed by version, never rebuilt; or taken
# from PATH when it is there. Run by `make test`'s setup (tools/test.sh), not by `make demo`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/versions.env"
cache=${PULUMI_AKASH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akash}
log() { echo "setup-pulumi-yaml: $*" >&2; }

if command -v pulumi-language-yaml >/dev/null 2>&1; then
  dirname "$(command -v pulumi-language-yaml)"
  exit 0
fi

bin="$cache/pulumi-language-yaml-v$PULUMI_YAML_VERSION"
if [ -x "$bin/pulumi-language-yaml" ]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null 2>&1 || {
  log "building the Pulumi YAML language host needs Go (https://go.dev/dl), or put pulumi-language-yaml v$PULUMI_YAML_VERSION on PATH"
  exit 1
}

mkdir -p "$cache"
exec 9>"$cache/.pulumi-yaml.lock"
flock 9 2>/dev/null || true
[ -x "$bin/pulumi-language-yaml" ] && { echo "$bin"; exit 0; }

mod="$cache/gobuild-yaml-v$PULUMI_YAML_VERSION"
export GOFLAGS=-mod=mod CGO_ENABLED=0
if [ ! -d "$mod" ]; then
  log "resolving pulumi-yaml v$PULUMI_YAML_VERSION from the Go module proxy (first run only)"
  rm -rf "$mod.tmp" && mkdir -p "$mod.tmp"
  # A throw-away module, as for the CLI (tools/setup-pulumi.sh): the host's own go.mod pins Pulumi's
  # modules at v$PULUMI_YAML_PULUMI_VERSION. Do not `go mod tidy` it: nothing imports the main.
  (cd "$mod.tmp" && go mod init pulumi-akash-yaml-host >/dev/null 2>&1 \
    && go get "github.com/pulumi/pulumi-yaml@v$PULUMI_YAML_VERSION" \
      "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_YAML_PULUMI_VERSION" \
      "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_YAML_PULUMI_VERSION" >&2)
  mv "$mod.tmp" "$mod"
fi
tmp=$(mktemp -d "$cache/build-yaml.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "building pulumi-language-yaml v$PULUMI_YAML_VERSION (minutes on 2 cores, cached in $bin)"
(cd "$mod" && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$PULUMI_YAML_VERSION" \
  -o "$tmp/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
mkdir -p "$(dirname "$bin")" && rm -rf "$bin.tmp" && mkdir -p "$bin.tmp"
mv "$tmp/pulumi-language-yaml" "$bin.tmp/" && rm -rf "$bin" && mv "$bin.tmp" "$bin"
echo "$bin"
