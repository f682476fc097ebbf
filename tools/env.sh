#!/usr/bin/env bash
# Makes sure the toolchain is here (Node >= 22, node_modules, the pinned Pulumi CLI) and prints
# shell lines that put it on PATH and keep Pulumi offline. `eval "$(make -s env)"` uses it.
# Progress goes to stderr, so stdout stays eval-able.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node_bin=$("$root/tools/setup-node.sh")
export PATH="$node_bin:$PATH"

# npm ci only when package-lock.json changed since the last install.
stamp="$root/node_modules/.ci-stamp"
lock_hash=$(sha256sum "$root/package-lock.json" | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash-$(node --version)" ]; then
  echo "env: npm ci" >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$lock_hash-$(node --version)" >"$stamp"
fi

pulumi_bin=$("$root/tools/setup-pulumi.sh")
# The Go, Python and Java language hosts when `make test`'s setup has built them (never built here).
langs_bin=$("$root/tools/setup-pulumi-langs.sh" --cached)
cat <<EOT
export PATH="${langs_bin:+$langs_bin:}$pulumi_bin:$node_bin:\$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
[ -n "\${PULUMI_BACKEND_URL:-}" ] || mkdir -p "\$HOME/.pulumi-akash/state"
export PULUMI_BACKEND_URL="\${PULUMI_BACKEND_URL:-file://\$HOME/.pulumi-akash/state}"
export PULUMI_CONFIG_PASSPHRASE="\${PULUMI_CONFIG_PASSPHRASE-}"
EOT
