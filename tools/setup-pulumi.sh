#!/usr/bin/env bash
# Prints a directory holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`
# at the pinned version on stdout; progress goes to stderr. Order of preference:
#   1. the tools already on PATH, when `pulumi version` is the pinned one;
#   2. the cache ($PULUMI_AKASH_CACHE, default ~/.cache/pulumi-akash), never rebuilt once there;
#   3. a build from the Go module proxy (CLI) plus our own language host (see its main.go for why);
#   4. Pulumi's official installer, on a machine without Go.
# Needs node_modules (npm ci) first: the dynamic-provider shim ships in @pulumi/pulumi.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/versions.env"
cache=${PULUMI_AKASH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akash}
shim="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
# `pulumi version` writes logs under PULUMI_HOME: keep them out of the user's ~/.pulumi.
export PULUMI_HOME="$cache/pulumi-home" PULUMI_SKIP_UPDATE_CHECK=true
log() { echo "setup-pulumi: $*" >&2; }

[ -f "$shim" ] || { log "missing $shim: run npm ci first"; exit 1; }

if command -v pulumi >/dev/null 2>&1 && [ "$(pulumi version 2>/dev/null)" = "v$PULUMI_VERSION" ] \
  && command -v pulumi-language-nodejs >/dev/null 2>&1 && command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1; then
  dirname "$(command -v pulumi)"
  exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.pulumi.lock"
flock 9 2>/dev/null || true

lh_src="$root/tools/pulumi-language-nodejs/main.go"
lh_hash=$(sha256sum "$lh_src" | cut -c1-12)
bin="$cache/pulumi-v$PULUMI_VERSION-lh$lh_hash/bin"
if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ -x "$bin/pulumi-resource-pulumi-nodejs" ]; then
  echo "$bin"
  exit 0
fi

tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"

if command -v go >/dev/null 2>&1; then
  cli="$cache/pulumi-cli-v$PULUMI_VERSION"
  mod="$cache/gobuild-v$PULUMI_VERSION"
  export GOFLAGS=-mod=mod CGO_ENABLED=0
  if [ ! -d "$mod" ]; then
    log "resolving pulumi v$PULUMI_VERSION from the Go module proxy (first run only)"
    rm -rf "$mod.tmp" && mkdir -p "$mod.tmp"
    # A throw-away module: pkg/v3's own go.mod replaces sdk/v3 with a relative path, so
    # `go install pkg@version` cannot work. Do not `go mod tidy` it: nothing imports the mains.
    (cd "$mod.tmp" && go mod init pulumi-akash-toolchain >/dev/null 2>&1 \
      && go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >&2 \
      && go mod edit -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e)
    mv "$mod.tmp" "$mod"
  fi
  flags=(-trimpath -tags osusergo,grpcnotrace -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION")
  if [ ! -x "$cli/pulumi" ]; then
    log "building the pulumi CLI v$PULUMI_VERSION (several minutes on 2 cores, cached in $cli)"
    (cd "$mod" && go build "${flags[@]}" -o "$tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
    mkdir -p "$cli" && mv "$tmp/pulumi" "$cli/pulumi"
  fi
  log "building the Node language host ($lh_hash)"
  mkdir -p "$mod/langhost" && cp "$lh_src" "$mod/langhost/main.go"
  (cd "$mod" && go build "${flags[@]}" -o "$tmp/bin/pulumi-language-nodejs" ./langhost)
  # A real file, not a symlink: the CLI looks for bundled plugins beside its own path.
  ln "$cli/pulumi" "$tmp/bin/pulumi" 2>/dev/null || cp "$cli/pulumi" "$tmp/bin/pulumi"
elif command -v curl >/dev/null 2>&1; then
  log "no Go toolchain: using Pulumi's official installer for v$PULUMI_VERSION"
  curl -fsSL https://get.pulumi.com | sh -s -- --version "$PULUMI_VERSION" --install-root "$tmp/official" --no-edit-path >&2
  cp -R "$tmp/official/bin/." "$tmp/bin/"
else
  log "cannot get pulumi v$PULUMI_VERSION: install Go (https://go.dev/dl) or curl, or put pulumi v$PULUMI_VERSION on PATH"
  exit 1
fi
cp "$shim" "$tmp/bin/pulumi-resource-pulumi-nodejs"
chmod +x "$tmp/bin/"*
[ "$("$tmp/bin/pulumi" version)" = "v$PULUMI_VERSION" ] || { log "built pulumi does not report v$PULUMI_VERSION"; exit 1; }
mkdir -p "$(dirname "$bin")" && rm -rf "$bin" && mv "$tmp/bin" "$bin"
echo "$bin"
