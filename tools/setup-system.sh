#!/usr/bin/env bash
# System packages the tests need: PostgreSQL (server store tests) and Chromium (console and
# Swagger UI tests).
# Installs them with apt-get when missing and we are root; otherwise fails saying what to install.
set -euo pipefail
missing=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
{ [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ]; } || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: installing ${missing[*]} from Debian packages" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  exit 0
fi
echo "setup-system: missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]})" >&2
exit 1
