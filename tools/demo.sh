#!/usr/bin/env bash
# `make demo`: the reference API on its embedded SQLite store, then `pulumi up` of examples/nginx
# with this package installed from an `npm pack` tarball, as a user installs it. Safe to re-run: the
# server, its data, the API key, the install and the stack are reused.
#   tools/demo.sh          start (or reuse) the server and bring the stack up
#   tools/demo.sh destroy  destroy the stack (starting the server when it is down), then stop the server
#   tools/demo.sh stop     stop the server only
# Expects the env of tools/env.sh (node, pulumi) and a build in dist/ (make demo does both).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
home="${AKASH_DEMO_HOME:-$HOME/.pulumi-akash/demo}"
port="${AKASH_DEMO_PORT:-3080}"
url="http://127.0.0.1:$port"
mkdir -p "$home/data" "$home/state"
export PULUMI_BACKEND_URL="file://$home/state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
project="$home/nginx"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

server_up() { curl -fsS "$url/status" >/dev/null 2>&1; }

stop_server() {
  if [ -f "$home/server.pid" ] && kill -0 "$(cat "$home/server.pid")" 2>/dev/null; then
    say "stopping the reference API (pid $(cat "$home/server.pid"))"
    kill "$(cat "$home/server.pid")"
    while kill -0 "$(cat "$home/server.pid")" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$home/server.pid"
}

# The demo's server: --dev adopts the demo's API key; the binary adds its benchmarked V8 flags.
start_server() {
  [ -f "$root/dist/server/cli.js" ] || { echo "demo: no build in dist/; run 'make build' first" >&2; exit 1; }
  say "starting the reference API at $url (data: $home/data, log: $home/server.log)"
  AKASH_API_KEY="$api_key" nohup node "$root/dist/server/cli.js" serve --dev --host 127.0.0.1 --port "$port" \
    --data-dir "$home/data" >"$home/server.log" 2>&1 &
  echo $! >"$home/server.pid"
  for _ in $(seq 1 100); do server_up && break; sleep 0.1; done
  server_up || { echo "demo: the reference API did not start; see $home/server.log" >&2; exit 1; }
}

case "${1:-up}" in
  stop)
    stop_server
    exit 0
    ;;
  destroy)
    if [ ! -s "$home/api-key" ] || ! (cd "$project" 2>/dev/null && pulumi stack ls --json 2>/dev/null | grep -q '"name": "demo"'); then
      say "no demo stack in $home: nothing to destroy"
      stop_server
      exit 0
    fi
    api_key=$(cat "$home/api-key")
    # The provider closes the deployments through the API: the demo's server must be up for that.
    server_up || start_server
    say "pulumi destroy (stack demo)"
    (cd "$project" && pulumi destroy --yes --skip-preview --stack demo --non-interactive)
    stop_server
    exit 0
    ;;
  up) ;;
  *)
    echo "usage: tools/demo.sh [up|destroy|stop]" >&2
    exit 2
    ;;
esac

# One API key for the demo user, kept across runs (the server's --dev mode adopts AKASH_API_KEY).
if [ ! -s "$home/api-key" ]; then
  node -e 'console.log("ac.sk.local." + require("node:crypto").randomBytes(32).toString("hex"))' >"$home/api-key"
  chmod 600 "$home/api-key"
fi
api_key=$(cat "$home/api-key")

if server_up; then
  say "reference API already running at $url"
else
  start_server
fi

# The package as a user gets it: npm pack, then install the tarball (reinstalled only when it changed).
say "packing pulumi-akash"
pack_dir=$(mktemp -d)
tarball="$pack_dir/$(cd "$root" && npm pack --silent --pack-destination "$pack_dir" | tail -n1)"
digest=$(sha256sum "$tarball" | cut -c1-16)
mkdir -p "$project"
cp "$root/examples/nginx/"{Pulumi.yaml,package.json,index.js,deploy.yaml} "$project/"
if [ "$(cat "$project/.installed" 2>/dev/null)" != "$digest" ]; then
  say "installing it into $project"
  pulumi_sdk=$(node -p 'require(process.argv[1]).devDependencies["@pulumi/pulumi"]' "$root/package.json")
  (cd "$project" && npm install --no-audit --no-fund --loglevel=error "$tarball" "@pulumi/pulumi@$pulumi_sdk")
  echo "$digest" >"$project/.installed"
fi
rm -rf "$pack_dir"

cd "$project"
pulumi stack select demo --non-interactive 2>/dev/null || pulumi stack init demo --non-interactive
pulumi config set akash:baseUrl "$url" --stack demo
pulumi config set --secret akash:apiKey "$api_key" --stack demo
say "pulumi up (stack demo)"
pulumi up --yes --skip-preview --stack demo --non-interactive

service_url=$(pulumi stack output url --stack demo)
dseq=$(pulumi stack output dseq --stack demo)
cat <<EOT

  Deployment $dseq is live.
  Service URL:  $service_url   (simulated provider: the host name is not resolvable)
  Console:      $url/console   (API key: $home/api-key)
  API docs:     $url/v1/swagger

  Destroy it and stop the server:
    make demo-destroy
  Or by hand, while the reference API runs (make demo leaves it running; make demo-destroy starts it):
    cd $project && eval "\$($root/tools/env.sh)" && PULUMI_BACKEND_URL=file://$home/state pulumi destroy --stack demo
EOT
