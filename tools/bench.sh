#!/usr/bin/env bash
# `make bench`: every benchmark, one after the other (they share two cores; never run them in
# parallel). Each writes its results to bench/results/<area>.md. Expects the env of tools/env.sh
# and a build in dist/. Pass one of client|server|provider|window|adapters|fleet|plugin-start to run only that one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
which=${1:-all}
if [ "$which" = all ] || [ "$which" = server ]; then "$root/tools/setup-system.sh" >&2; fi
case "$which" in all | client) node dist/bench/client-vs-fetch.js --rounds 5 --seconds 3 --concurrency 16 ;; esac
case "$which" in all | server) node dist/bench/server-load.js ;; esac
case "$which" in all | provider) node dist/bench/provider-fleet.js ;; esac
case "$which" in all | window) node dist/bench/lease-window.js --rounds 3 --windows 0,5,10,20 ;; esac
case "$which" in all | adapters) node dist/bench/adapters.js --pairs 100 --rounds 2 ;; esac
case "$which" in all | fleet) node dist/bench/fleet-scale.js ;; esac
case "$which" in all | plugin-start) node dist/bench/plugin-start.js --rounds 15 ;; esac
