# Seatwise: `make run` starts a demo instance, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

RELEASE_BIN := build/release/src/seatwise
# Node.js for the portal's build and tests: the machine's when it is 20.19 or newer, else the
# copy scripts/setup.sh fetched into .tools/ (scripts/node.sh), first on PATH.
WITH_NODE = PATH="$$(bash $(CURDIR)/scripts/node.sh --dir || echo /nonexistent):$$PATH"
CXX_FILES = $(shell git ls-files '*.cpp' '*.hpp' '*.h' 2>/dev/null)

.PHONY: help setup configure build run demo test test-asan format format-check bench bench-reports clean

help:
	@echo "make run         install what is missing, build, start a demo on http://127.0.0.1:8080"
	@echo "make test        install what is missing, build, run every test"
	@echo "make test-asan   unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	@echo "make bench       HTTP benchmarks against nginx on loopback (bench/README.md)"
	@echo "make bench-reports  the seat-usage report over 10 million usage events (bench/README.md)"
	@echo "make format      clang-format the tree"
	@echo "make web         build the portal into web/dist (make run and make test do it too)"
	@echo "make e2e         browser tests of the portal against a real server"

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake --preset release >/dev/null

build: configure web
	cmake --build --preset release

# The portal: npm packages at the committed lockfile's versions (scripts/setup.sh explains
# npm install), then a production build.
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && $(WITH_NODE) npm install --no-save --no-audit --no-fund
	@touch $@

# Everything the production build reads, new files included, so that an edited portal source
# is rebuilt by `make run` and `make test` (tests and browser specs are not part of it).
WEB_SOURCES = $(shell find web/src web/public -type f ! -name '*.test.ts' ! -name '*.test.tsx' \
  2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json web/package.json

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && $(WITH_NODE) npm run build
	@touch $@

web: setup web/dist/index.html

# Types, lint, formatting and the component tests of the portal.
web-check: web
	cd web && export $(WITH_NODE) && npm run typecheck && npm run lint && npm run format:check && \
	  npm test

# Browser tests: a real `seatwise serve --demo` and Debian's Chromium (web/e2e/run.mjs).
e2e: build
	cd web && $(WITH_NODE) node e2e/run.mjs

run: build
	$(RELEASE_BIN) serve --demo

demo: build
	$(RELEASE_BIN) demo

format-check:
	@bad=$$(for f in $(CXX_FILES); do clang-format --dry-run -Werror "$$f" >/dev/null 2>&1 || echo "$$f"; done); \
	if [ -n "$$bad" ]; then echo "not clang-formatted (run 'make format'):"; echo "$$bad"; exit 1; fi; \
	echo "format: clean"

format:
	@clang-format -i $(CXX_FILES)

# Every suite on the release build, then the storage and lower layers under ASan + UBSan
# (the drivers, the pool and the seat races are where memory and threading bugs would hide).
# `make test-asan` runs every unit suite under the sanitizers; it takes as long again.
test: setup format-check build web-check
	bash scripts/node_test.sh
	cd build/release && ctest --output-on-failure -j2
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory test-asan ASAN_SUITES="core_tests crypto_tests store_tests"

ASAN_SUITES ?= core_tests crypto_tests store_tests service_tests http_tests app_tests

test-asan: setup
	cmake --preset asan >/dev/null
	cmake --build --preset asan --target $(ASAN_SUITES)
	cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j2 -R "^($(shell echo $(ASAN_SUITES) | tr ' ' '|'))$$"

# bench.sh builds only the release server, when it is missing or older than HEAD.
bench: setup
	bash bench/bench.sh

# Not part of `make test`: minutes of inserting and rolling up. REPORT_BENCH_ARGS="--events
# 1000000" shrinks it; the database is kept in bench/out/report for `bench/bench.sh seat-usage`.
bench-reports: setup
	cmake --preset release >/dev/null
	cmake --build --preset release --target report_bench
	build/release/bench/report_bench --keep bench/out/report $(REPORT_BENCH_ARGS)

clean:
	rm -rf build
