# Seatwise: `make run` starts a demo instance, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

RELEASE_BIN := build/release/src/seatwise
CXX_FILES = $(shell git ls-files '*.cpp' '*.hpp' '*.h' 2>/dev/null)

.PHONY: help setup configure build run demo test test-asan format format-check bench clean

help:
	@echo "make run         install what is missing, build, start a demo on http://127.0.0.1:8080"
	@echo "make test        install what is missing, build, run every test"
	@echo "make test-asan   unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	@echo "make bench       HTTP benchmarks against nginx on loopback (bench/README.md)"
	@echo "make format      clang-format the tree"

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake --preset release >/dev/null

build: configure
	cmake --build --preset release

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
test: setup format-check build
	cd build/release && ctest --output-on-failure -j2
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

clean:
	rm -rf build
