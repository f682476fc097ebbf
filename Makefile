# Every target runs with the project's toolchain (tools/env.sh): Node >= 22 and the pinned Pulumi CLI.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
ENV = eval "$$(tools/env.sh)"
# Node's test runner expands the glob itself (quoted: the shell has no **); engine tests need the CLI on PATH.
TESTS ?= dist/**/*.test.js

.PHONY: help env setup build pack lint format test soak demo demo-destroy server bench clean

help:
	@echo "make demo    run the reference API and 'pulumi up' examples/nginx (the main job)"
	@echo "make demo-destroy  destroy the demo stack (refunds the escrow) and stop the server"
	@echo "make test    typecheck, lint, format check, unit, integration and engine tests"
	@echo "make soak    the chaos run, longer (CHAOS_ROUNDS, default 20; figures in test-output/chaos.json)"
	@echo "make pack    in .tmp/pack: the npm tarball (npm install <path>), the self-contained plugin"
	@echo "             pulumi-resource-akash-v<version>-linux-{amd64,arm64}.tar.gz (pulumi plugin install resource akash <version> --file <path>),"
	@echo "             the Python wheel, the Go module and the Java Maven repo"
	@echo "make server  the reference API with --dev on 127.0.0.1:3080 (store: ~/.pulumi-akash/ref-api)"
	@echo "make bench   benchmarks (see bench/README.md)"
	@echo "eval \"\$$(make -s env)\"   a shell with the project's node and pulumi on PATH"

env:
	@tools/env.sh

setup:
	@$(ENV); node --version; pulumi version

# `npm run build` (package.json) builds the code and the web console: a server built either way serves /console.
build:
	@$(ENV); npm run --silent build

# The npm tarball, the self-contained plugin, then the generated SDKs as their users install them.
pack: build
	@$(ENV); mkdir -p .tmp/pack; npm pack --silent --pack-destination .tmp/pack >/dev/null; ls "$$PWD"/.tmp/pack/pulumi-akash-*.tgz
	@$(ENV); tools/build-plugin.sh .tmp/pack
	@$(ENV); tools/pack-sdks.sh .tmp/pack

lint:
	@$(ENV); npx eslint .; npx prettier --check .
	@"$$(tools/setup-actionlint.sh)" examples/gitops/.github/workflows/*.yml

format:
	@$(ENV); npx prettier --write .

test: build lint
	@$(ENV); tools/test.sh "$(TESTS)"

soak: build
	@$(ENV); CHAOS_ROUNDS=$${CHAOS_ROUNDS:-20} tools/test.sh dist/provider/engine-tests/chaos.test.js; cat test-output/chaos.json

demo: build
	@$(ENV); tools/demo.sh

demo-destroy:
	@$(ENV); tools/demo.sh destroy

server: build
	@$(ENV); node dist/server/cli.js serve --dev --host 127.0.0.1 --port 3080

bench: build
	@$(ENV); tools/bench.sh $(BENCH)

clean:
	rm -rf dist .tmp test-output
