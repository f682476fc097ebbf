# Every target runs with the project's toolchain (tools/env.sh): Node >= 22 and the pinned Pulumi CLI.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
ENV = eval "$$(tools/env.sh)"
# Node's test runner expands the glob itself (quoted: the shell has no **); engine tests need the CLI on PATH.
TESTS ?= dist/**/*.test.js

.PHONY: help env setup build lint format test demo demo-destroy server bench clean

help:
	@echo "make demo    run the reference API and 'pulumi up' examples/nginx (the main job)"
	@echo "make demo-destroy  destroy the demo stack (refunds the escrow) and stop the server"
	@echo "make test    typecheck, lint, format check, unit, integration and engine tests"
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

lint:
	@$(ENV); npx eslint .; npx prettier --check .

format:
	@$(ENV); npx prettier --write .

test: build lint
	@$(ENV); tools/test.sh "$(TESTS)"

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
