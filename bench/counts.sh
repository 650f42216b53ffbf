#!/usr/bin/env bash
# What one request costs the server in countable units (issue "halve the server's CPU per
# request"): system calls and heap allocations per request, for each shape, after warm-up.
# Counts, not times, so the figures do not depend on what else the machine is doing.
#
#   bench/counts.sh [BUILD_DIR]        default BUILD_DIR: build/release
#
# Knobs (environment):
#   SHAPES="a_by_id b_list20 c_nested20 d_filtered"   (bench/queries/<shape>.fraiseql.json)
#   BACKENDS="native libpq"
#   REQUESTS=2000     measured requests per shape (after WARMUP_REQUESTS)
#   WARMUP_REQUESTS=500
#   CLIENTS=16        keep-alive connections of the client
#   CLIENT=python     python: python3 (standard library), each answer checked, a client slower
#                     than the server (which then idles between requests: an upper bound);
#                     wrk: wrk -t1 for DURATION seconds instead of REQUESTS, a saturated server
#                     (how issue 15 counts), answers checked by status only
#   DURATION=3        seconds of the allocation window inside a wrk run of DURATION + 2 s
#                     (its connections opened before the window: see below)
#   WARMUP_SECONDS=2  with CLIENT=wrk, a wrk run at CLIENTS connections after the python
#                     warm-up, so that the pool has grown before the measured run; the
#                     last column says how many connections the pool opened while measured
#   SCALE=0.1         dataset size (bench/dataset/generate.sql), shared with run-all.sh
#   SERVER_THREADS=1  POOL_SIZE=10  BASE_PORT=18180
#   OUT=DIR           where counts.txt goes (default BUILD_DIR/bench-results)
#   ALLOC_TRACE=1     also record the stack of every allocation of the measured window
#                     (bench/alloc_count.c) and print the most frequent (bench/alloc_sites.py)
#
# System calls: `strace -c -f` attached to every thread of the server for the measured
# requests only. Heap allocations: bench/alloc_count.c preloaded (malloc, calloc, realloc of
# NULL, the aligned forms — every path of operator new), snapshotted by SIGUSR2 before and
# after. Each measured request is checked (status 200, data, no errors).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-build/release}
[[ "$build" = /* ]] || build=$root/$build
SHAPES=${SHAPES:-"a_by_id b_list20 c_nested20 d_filtered"}
BACKENDS=${BACKENDS:-"native libpq"}
REQUESTS=${REQUESTS:-2000}
WARMUP_REQUESTS=${WARMUP_REQUESTS:-500}
CLIENTS=${CLIENTS:-16}
CLIENT=${CLIENT:-python}
DURATION=${DURATION:-3}
WARMUP_SECONDS=${WARMUP_SECONDS:-2}
SCALE=${SCALE:-0.1}
SERVER_THREADS=${SERVER_THREADS:-1}
POOL_SIZE=${POOL_SIZE:-10}
BASE_PORT=${BASE_PORT:-18180}
NICE=0
OUT=${OUT:-$build/bench-results}
log() { printf 'counts: %s\n' "$*" >&2; }
# wrk_run SECONDS OUT: the shape's load at CLIENTS connections; wrk_requests OUT: the requests
# it completed, after checking that every answer was a 200 with no transport error.
wrk_run() {
    BENCH_BODY_FILE=$body wrk -t1 -c"$CLIENTS" -d"$1s" --timeout 30s -s "$here/wrk/post.lua" \
        "http://127.0.0.1:$port/graphql" >"$2" 2>&1
}
wrk_requests() {
    python3 -c '
import json, sys
d = json.loads(sys.argv[1])
bad = d["err_connect"] + d["err_read"] + d["err_write"] + d["err_status"] + d["err_timeout"]
sys.exit("wrk errors: %s" % d) if bad else print(d["requests"])' \
        "$(sed -n 's/^BENCH_JSON //p' "$1")"
}
# GraphQL requests the server has executed (/metrics; /metrics itself is not one).
requests_done() {
    curl -fsS "http://127.0.0.1:$1/metrics" | sed -n 's/^fraiseql_requests_total //p'
}
# The pool's connections opened so far (/metrics): the measured window must open none.
pool_created() {
    curl -fsS "http://127.0.0.1:$1/metrics" |
        sed -n 's/^fraiseql_pool_events_total{event="created"} //p'
}
die() {
    log "error: $*"
    exit 1
}
fraiseql=${BENCH_FRAISEQL_BIN:-$build/apps/fraiseql/fraiseql}
[[ -x "$fraiseql" ]] || die "no $fraiseql: build first"
[[ "$CLIENT" = python || "$CLIENT" = wrk ]] || die "CLIENT must be python or wrk"
tools="strace psql python3 cc"
[[ "$CLIENT" = wrk ]] && tools="$tools wrk"
for tool in $tools; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/fraiseql-counts.XXXXXX")
cluster_dir=$build/bench-pg
server=""
# shellcheck source=bench/lib-database.sh
. "$here/lib-database.sh"
bench_cleanup_on_exit
bench_database

cc -O2 -shared -fPIC -o "$work/alloc_count.so" "$here/alloc_count.c" || die "cannot build alloc_count.so"

# The client: N requests over C keep-alive connections, each response checked.
cat >"$work/client.py" <<'EOF'
import http.client, json, sys, threading
port, body_file, total, clients = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
body = open(body_file, "rb").read()
bad = []
def run(n):
    c = http.client.HTTPConnection("127.0.0.1", port)
    for _ in range(n):
        c.request("POST", "/graphql", body, {"Content-Type": "application/json"})
        r = c.getresponse()
        data = json.loads(r.read())
        if r.status != 200 or data.get("errors") or not data.get("data"):
            bad.append((r.status, str(data)[:200]))
    c.close()
per, extra = divmod(total, clients)
ts = [threading.Thread(target=run, args=(per + (i < extra),)) for i in range(clients)]
for t in ts: t.start()
for t in ts: t.join()
if bad:
    print("bad responses: %d, first: %s" % (len(bad), bad[0]), file=sys.stderr)
    sys.exit(1)
EOF

port=$BASE_PORT
result=$OUT/counts.txt
{
    if [[ "$CLIENT" = wrk ]]; then
        echo "# bench/counts.sh: per request, after $WARMUP_REQUESTS warm-up requests; wrk for ${DURATION}s"
    else
        echo "# bench/counts.sh: per request, after $WARMUP_REQUESTS warm-up requests; $REQUESTS measured"
    fi
    echo "# over $CLIENTS keep-alive connections ($CLIENT); server threads=$SERVER_THREADS pool=$POOL_SIZE;"
    echo "# commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%FT%TZ)"
    printf '%-12s %-8s %14s %16s %14s %12s\n' shape backend syscalls/req allocations/req frees/req \
        pool-opened
} >"$result"

for backend in $BACKENDS; do
    for shape in $SHAPES; do
        body=$here/queries/$shape.fraiseql.json
        [[ -f "$body" ]] || die "no $body"
        : >"$work/alloc.txt"
        trace_env=()
        [[ "${ALLOC_TRACE:-0}" = 1 ]] && trace_env=(ALLOC_COUNT_TRACE="$OUT/alloc-trace-$shape-$backend.txt")
        env "${trace_env[@]}" ALLOC_COUNT_FILE=$work/alloc.txt LD_PRELOAD=$work/alloc_count.so \
            FRAISEQL_MAX_PAGE_SIZE=10000 "$fraiseql" serve --log-level warn \
            --schema "$here/schema/bench.graphql" --database-url "$db_url" --port "$port" \
            --backend "$backend" --pool-size "$POOL_SIZE" --threads "$SERVER_THREADS" \
            --environment production >"$work/server.log" 2>&1 &
        server=$!
        for _ in $(seq 100); do
            curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && break
            sleep 0.1
        done
        python3 "$work/client.py" "$port" "$body" "$WARMUP_REQUESTS" "$CLIENTS" ||
            die "warm-up of $shape on $backend failed (server log: $(tail -3 "$work/server.log"))"
        # The python warm-up checks every answer but is slower than the server: it keeps
        # only a few pool connections busy. wrk's measured load would then open the rest
        # inside the measured window (a connection's startup, not a request's cost). A wrk
        # warm-up at the measured concurrency grows the pool first.
        if [[ "$CLIENT" = wrk ]]; then
            BENCH_BODY_FILE=$body wrk -t1 -c"$CLIENTS" -d"${WARMUP_SECONDS}s" --timeout 30s \
                -s "$here/wrk/post.lua" "http://127.0.0.1:$port/graphql" >/dev/null 2>&1 ||
                die "wrk warm-up of $shape on $backend failed"
        fi
        opened0=$(pool_created "$port")
        tids=()
        for t in /proc/"$server"/task/*; do tids+=(-p "${t##*/}"); done
        if [[ "$CLIENT" = wrk ]]; then
            # Two runs, so that neither measure disturbs the other: system calls under strace
            # (which slows every call, so more requests are in flight at once than without it),
            # then allocations without it.
            strace -c -f -o "$work/strace.txt" "${tids[@]}" 2>"$work/strace.err" &
            tracer=$!
            sleep 1 # strace attaches to each thread before the measured requests start
            wrk_run "$DURATION" "$work/wrk-strace.out" || die "wrk failed: $(cat "$work/wrk-strace.out")"
            kill -INT "$tracer"
            wait "$tracer" 2>/dev/null || true
            measured=$(wrk_requests "$work/wrk-strace.out") || die "$shape on $backend failed"
            # wrk opens its connections when it starts: a connection's setup (its session,
            # buffers, the accept) is not a request's cost. The allocation window opens one
            # second into a run, once its connections carry a steady load, and closes a second
            # before its end; its requests are the server's own count (fraiseql_requests_total)
            # at the two snapshots.
            wrk_run "$((DURATION + 2))" "$work/wrk.out" &
            loader=$!
            sleep 1
            opened0=$(pool_created "$port")
            r0=$(requests_done "$port")
            kill -USR2 "$server"
            sleep "$DURATION"
            kill -USR2 "$server"
            r1=$(requests_done "$port")
            opened1=$(pool_created "$port")
            wait "$loader" || die "wrk failed: $(cat "$work/wrk.out")"
            wrk_requests "$work/wrk.out" >/dev/null || die "$shape on $backend failed"
            alloc_measured=$((r1 - r0))
        else
            strace -c -f -o "$work/strace.txt" "${tids[@]}" 2>"$work/strace.err" &
            tracer=$!
            sleep 1 # strace attaches to each thread before the measured requests start
            kill -USR2 "$server"
            python3 "$work/client.py" "$port" "$body" "$REQUESTS" "$CLIENTS" ||
                die "$shape on $backend failed"
            kill -USR2 "$server"
            kill -INT "$tracer"
            wait "$tracer" 2>/dev/null || true
            measured=$REQUESTS
            alloc_measured=$REQUESTS
            opened1=$(pool_created "$port")
        fi
        sleep 0.2
        kill "$server"
        wait "$server" 2>/dev/null || true
        server=""
        calls=$(awk '$NF == "total" {print $4}' "$work/strace.txt")
        [[ "$calls" =~ ^[0-9]+$ ]] || die "no strace total for $shape/$backend: $(cat "$work/strace.txt" "$work/strace.err")"
        read -r a0 f0 < <(sed -n 1p "$work/alloc.txt")
        read -r a1 f1 < <(sed -n 2p "$work/alloc.txt")
        python3 - "$shape" "$backend" "$calls" "$a0" "$a1" "$f0" "$f1" "$measured" \
            "$alloc_measured" "$((opened1 - opened0))" >>"$result" <<'EOF'
import sys
shape, backend, calls, a0, a1, f0, f1, n, na, opened = sys.argv[1:]
n, na = int(n), int(na)
print("%-12s %-8s %14.2f %16.3f %14.3f %12s" % (shape, backend, int(calls) / n,
      (int(a1) - int(a0)) / na, (int(f1) - int(f0)) / na, opened))
EOF
        cp "$work/strace.txt" "$OUT/strace-$shape-$backend.txt"
        if [[ "${ALLOC_TRACE:-0}" = 1 ]]; then
            log "allocation sites of $shape/$backend (measured window):"
            python3 "$here/alloc_sites.py" "$OUT/alloc-trace-$shape-$backend.txt" >&2 || true
        fi
        port=$((port + 1))
    done
done
cat "$result"
