#!/usr/bin/env bash
# The short end-to-end benchmark that `make bench` runs (a few minutes): a 1/10 dataset
# (1,000 users, 10,000 posts, 30,000 comments), 16 connections, one 3-second run per system
# and shape, no repetitions. Numbers from it are a smoke test, not a result: the published
# figures come from bench/run-all.sh (see docs/benchmarks.md).
#
#   bench/run-short.sh BUILD_DIR        e.g. build/release
#
# Every knob of run-all.sh can still be overridden from the environment.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/release}
export RUN_KIND=short
export SCALE=${SCALE:-0.1}
export DURATION=${DURATION:-3}
export WARMUP=${WARMUP:-1}
export REPS=${REPS:-1}
export CONNS=${CONNS:-16}
exec "$here/run-all.sh" "$build"
