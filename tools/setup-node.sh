#!/usr/bin/env bash
# Prints a directory holding a `node` that meets package.json's engines on stdout; everything else
# goes to stderr.
# Uses the system node when it is new enough, otherwise unpacks Node from the npm registry
# (package node-<os>-<arch>, which ships the binary) into a cache keyed by version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.env"
cache=${PULUMI_AKASH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akash}

# The system node when it meets package.json's engines (">=x.y"), which name what the code needs.
if command -v node >/dev/null 2>&1 && node -e '
  const need = require(process.argv[1]).engines.node.replace(/^>=\s*/, "").split(".").map(Number);
  const have = process.versions.node.split(".").map(Number);
  for (let i = 0; i < 3; i += 1) if ((have[i] || 0) !== (need[i] || 0)) process.exit((have[i] || 0) > (need[i] || 0) ? 0 : 1);
' "$here/../package.json" 2>/dev/null; then
  dirname "$(command -v node)"
  exit 0
fi

dir="$cache/node-v$NODE_VERSION"
if [ ! -x "$dir/bin/node" ]; then
  command -v npm >/dev/null 2>&1 || { echo "setup-node: npm is required to fetch Node $NODE_VERSION (install Node.js and npm)" >&2; exit 1; }
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "setup-node: unsupported OS $(uname -s)" >&2; exit 1 ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) echo "setup-node: unsupported CPU $(uname -m)" >&2; exit 1 ;; esac
  echo "setup-node: fetching Node $NODE_VERSION (node-$os-$arch) from the npm registry into $dir" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-$os-$arch@$NODE_VERSION" >/dev/null)
  mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-*.tgz -C "$tmp/x"
  mkdir -p "$cache" && rm -rf "$dir" && mv "$tmp/x/package" "$dir"
  chmod +x "$dir/bin/node"
fi
"$dir/bin/node" --version >/dev/null
echo "$dir/bin"
