# Async Playground. On a fresh machine:  make serve   (build and open locally)
#                                        make test    (every test tier, then a summary)
# Everything missing is installed by scripts/setup.sh first (idempotent: seconds on a second run).
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup build serve test e2e bench contract

help:
	@echo "make serve   build the release and serve dist/ on http://127.0.0.1:8080/ (PORT=…)"
	@echo "make test    all tiers: fmt, purity, clippy (native + wasm32), unit, browser, build, e2e"
	@echo "make bench   build the release and print the performance figures beside their budgets"
	@echo "make build   trunk build --release into dist/"
	@echo "make e2e     e2e tests against the existing dist/ (no rebuild); E2E=\"load embed\" to filter"
	@echo "make setup   install whatever is missing (wasm target, trunk, wasm-bindgen, node modules, chromium)"

setup:
	@scripts/setup.sh

build: setup
	@. scripts/env.sh && trunk build --release

serve: build
	@. scripts/env.sh && exec node scripts/serve.mjs dist

test: setup
	@scripts/test.sh

e2e: setup
	@. scripts/env.sh && node e2e/run.mjs $(E2E)

bench: build
	@. scripts/env.sh && node bench/bench.mjs

# The outside contract check, when ../shared is present (not part of the project's own tests).
contract: build
	@. scripts/env.sh && ../shared/tools/contract-check/run dist
