#!/usr/bin/env bash
# The server's user-space instructions per request for one shape (issue 15), counted by
# callgrind: deterministic, so the figure does not move with what else the machine runs.
#
#   bench/callgrind.sh SHAPE [BUILD_DIR=build/ci]          prints Ir per request
#
# A fresh server (native backend, threads = 1, pool 10, production, log level warn) on the
# bench dataset runs under `valgrind --tool=callgrind --instr-atstart=no`; wrk -t1 -c4 (below
# the pool size: no request waits for a connection) warms it up for WARMUP seconds, then
# instrumentation is switched on (`callgrind_control -i on`) for DURATION seconds of the same
# wrk, dumped (`callgrind_control -d`) and switched off. Ir per request = the dump's total Ir
# (all threads, the HTTP layer included) / the requests wrk completed in the measured run.
# The dump stays in BUILD_DIR/bench-results/callgrind.SHAPE.out for
# `callgrind_annotate --inclusive=yes FILE` (where the instructions go).
#
# Environment: SCALE (0.1, shared with run-all.sh and counts.sh), PORT (18400),
# BACKEND (native), CONNECTIONS (4), WARMUP (5), DURATION (10), OUT (BUILD_DIR/bench-results),
# BENCH_FRAISEQL_BIN (another server binary, e.g. a copy of the one before a change, run
# against BUILD_DIR's bench cluster: a before/after pair in one sitting).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shape=${1:?shape, e.g. a_by_id}
build=${2:-build/ci}
[[ "$build" = /* ]] || build=$root/$build
SCALE=${SCALE:-0.1}
PORT=${PORT:-18400}
BACKEND=${BACKEND:-native}
CONNECTIONS=${CONNECTIONS:-4}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-10}
OUT=${OUT:-$build/bench-results}
NICE=0
log() { printf 'callgrind: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}
fraiseql=${BENCH_FRAISEQL_BIN:-$build/apps/fraiseql/fraiseql}
[[ -x "$fraiseql" ]] || die "no $fraiseql: build first"
for tool in valgrind callgrind_control wrk curl psql python3; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
body=$here/queries/$shape.fraiseql.json
[[ -f "$body" ]] || die "no $body"
mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/fraiseql-callgrind.XXXXXX")
cluster_dir=$build/bench-pg
server=""
# shellcheck source=bench/lib-database.sh
. "$here/lib-database.sh"
bench_cleanup_on_exit
bench_database

valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out.%p" \
    "$fraiseql" serve --schema "$here/schema/bench.graphql" --database-url "$db_url" \
    --port "$PORT" --backend "$BACKEND" --threads 1 --pool-size 10 --environment production \
    --log-level warn >"$work/server.log" 2>&1 &
server=$!
up=0
for _ in $(seq 300); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null; then
        up=1
        break
    fi
    kill -0 "$server" 2>/dev/null || break
    sleep 0.2
done
[[ $up = 1 ]] || { cat "$work/server.log" >&2; die "the server did not come up on port $PORT"; }
load() {
    BENCH_BODY_FILE=$body wrk -t1 -c"$CONNECTIONS" -d"$1" -s "$here/wrk/post.lua" \
        "http://127.0.0.1:$PORT/graphql"
}
# The answer must be data, not an error that happens to be cheap.
answer=$(curl -fsS -H 'Content-Type: application/json' --data-binary "@$body" \
    "http://127.0.0.1:$PORT/graphql")
grep -q '"data"' <<<"$answer" && ! grep -q '"errors"' <<<"$answer" ||
    die "unexpected answer: $answer"
log "warm-up: ${WARMUP}s"
load "${WARMUP}s" >/dev/null
callgrind_control -i on "$server" >/dev/null
log "measured: ${DURATION}s"
out=$(load "${DURATION}s")
callgrind_control -d "$server" >/dev/null
callgrind_control -i off "$server" >/dev/null
# The dump (callgrind.out.PID.1); the file of the server's exit comes later.
dump=$(ls -t "$work"/callgrind.out.* 2>/dev/null | head -1 || true)
[[ -n "$dump" ]] || die "callgrind wrote no dump"
cp "$dump" "$OUT/callgrind.$shape.out"
python3 - "$shape" "$dump" "$(sed -n 's/^BENCH_JSON //p' <<<"$out")" <<'PY'
import json, sys
shape, dump, d = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
bad = d["err_connect"] + d["err_read"] + d["err_write"] + d["err_status"] + d["err_timeout"]
if bad:
    sys.exit("wrk errors: %s" % d)
total = None
for line in open(dump):
    if line.startswith("totals:") or line.startswith("summary:"):
        total = int(line.split()[1])
if total is None:
    sys.exit("no totals in " + dump)
n = d["requests"]
print("%-11s %7d requests  %12d Ir  %8.0f Ir/request" % (shape, n, total, total / n))
PY
