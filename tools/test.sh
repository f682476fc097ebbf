#!/usr/bin/env bash
# Runs the compiled test files with Node's test runner. Expects the env of tools/env.sh.
# Services the tests need are checked here so that a missing one fails loudly, never skips.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/setup-system.sh" >&2
# The Pulumi YAML language host for the YAML programs (built once, cached; `make demo` does not need it).
PATH="$("$root/tools/setup-pulumi-yaml.sh"):$PATH"
# The Go, Python and Java language hosts for generated SDKs and programs in those languages (idem).
PATH="$("$root/tools/setup-pulumi-langs.sh"):$PATH"
export PATH
mkdir -p "$root/test-output"
# Engine tests set their own PULUMI_HOME per test; this catches any other pulumi call.
export PULUMI_HOME="$root/.tmp/pulumi-home"
cd "$root"
exec node --test --test-concurrency=2 --test-timeout=600000 --test-reporter=spec "$@"
