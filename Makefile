# FraiseQL — the two-command quick start: `make demo`, `make test`.
# Every target installs what is missing and builds first.

PRESET      ?= ci
BUILD_DIR   := build/$(PRESET)
JOBS        ?= 2
PORT        ?= 8080
CTEST_ARGS  ?=

.PHONY: all deps configure build test demo bench format clean unit test-sanitize package test-package

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

# Every test tier (unit, golden, pg, e2e) on both backends; CTest starts and
# stops the throwaway cluster (tools/pg-test-cluster.sh) as a fixture.
# The Debian package test (label package) installs into /usr as root and takes minutes:
# it runs in `make test-package` (called by .ci/run after `make test`), not here.
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE '^package$$' $(CTEST_ARGS)

# fraiseql_<version>-1_amd64.deb and libfraiseql-dev_<version>-1_amd64.deb in $(BUILD_DIR)/packages
# (CPack; docs/adr/0006-debian-package.md).
package: build
	@cd $(BUILD_DIR) && cpack -G DEB

# Builds the .deb, lints it, installs it with apt-get on this machine (root), serves the
# installed example, purges it (tests/package/deb_test.sh).
test-package: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L '^package$$' $(CTEST_ARGS)

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

# The fuzz targets' replays (seed corpora + deterministic mutations, tests/fuzz) under
# AddressSanitizer and UndefinedBehaviorSanitizer: the `dev` preset (build/dev), only the
# *_replay binaries, then ctest -R fuzz_replay. A separate Debug build of the libraries
# they link (several minutes on 2 cores, a few more to run); `make test` does not run it.
SANITIZE_REPLAYS := pg_decoder_fuzz_replay graphql_parser_fuzz_replay json_transform_fuzz_replay \
                    jwt_fuzz_replay plan_budget_fuzz_replay http_request_fuzz_replay

test-sanitize: deps
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j $(JOBS) --target $(SANITIZE_REPLAYS)
	@cd build/dev && ctest --output-on-failure -j $(JOBS) -R fuzz_replay

demo: build
	@$(BUILD_DIR)/apps/fraiseql/fraiseql demo --port $(PORT)

bench: deps
	@cmake --preset release >/dev/null && cmake --build --preset release -j $(JOBS)
	@bench/run-short.sh build/release

# clang-format comes from scripts/install-deps.sh like everything else (one command on a
# fresh machine); formatting needs no build.
format: deps
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
