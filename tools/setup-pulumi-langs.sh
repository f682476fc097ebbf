#!/usr/bin/env bash
# Prints a directory holding the Go, Python and Java language hosts on stdout (progress on stderr):
#   pulumi-language-go, pulumi-language-python  ours (tools/pulumi-language-hosts: one binary, two
#                                               names), against Pulumi's $PULUMI_VERSION modules;
#   pulumi-language-java                        upstream's, github.com/pulumi/pulumi-java@v$PULUMI_JAVA_VERSION.
# Built once from the Go module proxy into the cache ($PULUMI_AKASH_CACHE, default
# ~/.cache/pulumi-akash), keyed by version and by the hash of our sources; never rebuilt. Run by
# `make test`'s setup (tools/test.sh) and `make pack`, not by `make demo`.
#   --cached   print the directory only if it is already built (nothing otherwise; for tools/env.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/versions.env"
cache=${PULUMI_AKASH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akash}
log() { echo "setup-pulumi-langs: $*" >&2; }

src="$root/tools/pulumi-language-hosts"
src_hash=$(cat "$src"/*.go "$src"/*.py | sha256sum | cut -c1-12)
bin="$cache/pulumi-langs-v$PULUMI_VERSION-h$src_hash-java$PULUMI_JAVA_VERSION"
built() { [ -x "$bin/pulumi-language-go" ] && [ -x "$bin/pulumi-language-python" ] && [ -x "$bin/pulumi-language-java" ]; }
if built; then
  echo "$bin"
  exit 0
fi
[ "${1:-}" = "--cached" ] && exit 0
command -v go >/dev/null 2>&1 || {
  log "building the Go, Python and Java language hosts needs Go (https://go.dev/dl)"
  exit 1
}

mkdir -p "$cache"
exec 9>"$cache/.pulumi-langs.lock"
flock 9 2>/dev/null || true
built && { echo "$bin"; exit 0; }

export GOFLAGS=-mod=mod CGO_ENABLED=0
flags=(-trimpath -tags osusergo,grpcnotrace)
tmp=$(mktemp -d "$cache/build-langs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Throw-away wrapper modules, one per build list (as for the CLI, tools/setup-pulumi.sh): ours needs
# Pulumi's modules at $PULUMI_VERSION, the Java host its own go.mod's. Not `go mod tidy`-ed.
wrapper() { # dir, module name, go get arguments...
  local dir=$1 name=$2
  shift 2
  [ -d "$dir" ] && return 0
  log "resolving $* from the Go module proxy (first run only)"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  (cd "$dir.tmp" && go mod init "$name" >/dev/null 2>&1 && go get "$@" >&2)
  mv "$dir.tmp" "$dir"
}

mod="$cache/gobuild-langs-v$PULUMI_VERSION"
wrapper "$mod" pulumi-akash-langs "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
log "building pulumi-language-go and pulumi-language-python ($src_hash; minutes on 2 cores)"
rm -rf "$mod/hosts" && mkdir -p "$mod/hosts" && cp "$src"/*.go "$src"/*.py "$mod/hosts/"
(cd "$mod" && go build "${flags[@]}" -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
  -o "$tmp/pulumi-language-go" ./hosts)
# One binary, two names: it picks the language by the name it is started as.
ln "$tmp/pulumi-language-go" "$tmp/pulumi-language-python"

java="$cache/gobuild-java-v$PULUMI_JAVA_VERSION"
wrapper "$java" pulumi-akash-java-host "github.com/pulumi/pulumi-java@v$PULUMI_JAVA_VERSION"
log "building pulumi-language-java v$PULUMI_JAVA_VERSION (minutes on 2 cores)"
(cd "$java" && go build "${flags[@]}" -ldflags "-s -w -X github.com/pulumi/pulumi-java/pkg/version.Version=v$PULUMI_JAVA_VERSION" \
  -o "$tmp/pulumi-language-java" github.com/pulumi/pulumi-java/pkg/cmd/pulumi-language-java)

[ "$("$tmp/pulumi-language-python" -version)" = "v$PULUMI_VERSION" ] || { log "the built pulumi-language-python does not report v$PULUMI_VERSION"; exit 1; }
rm -rf "$bin.tmp" && mkdir -p "$bin.tmp" && mv "$tmp"/pulumi-language-* "$bin.tmp/"
rm -rf "$bin" && mv "$bin.tmp" "$bin"
echo "$bin"
