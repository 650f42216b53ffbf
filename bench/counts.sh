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
#   DURATION=3        seconds of the measured wrk run
#   SCALE=0.1         dataset size (bench/dataset/generate.sql), shared with run-all.sh
#   SERVER_THREADS=1  POOL_SIZE=10  BASE_PORT=18180
#   OUT=DIR           where counts.txt goes (default BUILD_DIR/bench-results)
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
SCALE=${SCALE:-0.1}
SERVER_THREADS=${SERVER_THREADS:-1}
POOL_SIZE=${POOL_SIZE:-10}
BASE_PORT=${BASE_PORT:-18180}
NICE=0
OUT=${OUT:-$build/bench-results}
log() { printf 'counts: %s\n' "$*" >&2; }
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
    printf '%-12s %-8s %14s %16s %14s\n' shape backend syscalls/req allocations/req frees/req
} >"$result"

for backend in $BACKENDS; do
    for shape in $SHAPES; do
        body=$here/queries/$shape.fraiseql.json
        [[ -f "$body" ]] || die "no $body"
        : >"$work/alloc.txt"
        ALLOC_COUNT_FILE=$work/alloc.txt LD_PRELOAD=$work/alloc_count.so \
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
        tids=()
        for t in /proc/"$server"/task/*; do tids+=(-p "${t##*/}"); done
        strace -c -f -o "$work/strace.txt" "${tids[@]}" 2>"$work/strace.err" &
        tracer=$!
        sleep 1 # strace attaches to each thread before the measured requests start
        kill -USR2 "$server"
        measured=$REQUESTS
        if [[ "$CLIENT" = wrk ]]; then
            out=$(BENCH_BODY_FILE=$body wrk -t1 -c"$CLIENTS" -d"${DURATION}s" --timeout 30s \
                -s "$here/wrk/post.lua" "http://127.0.0.1:$port/graphql" 2>&1) ||
                die "wrk failed: $out"
            # Every answer a 200, no transport error; the count of completed requests.
            measured=$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
bad = d["err_connect"] + d["err_read"] + d["err_write"] + d["err_status"] + d["err_timeout"]
sys.exit("wrk errors: %s" % d) if bad else print(d["requests"])' \
                "$(sed -n 's/^BENCH_JSON //p' <<<"$out")") || die "$shape on $backend failed"
        else
            python3 "$work/client.py" "$port" "$body" "$REQUESTS" "$CLIENTS" ||
                die "$shape on $backend failed"
        fi
        kill -USR2 "$server"
        sleep 0.2
        kill -INT "$tracer"
        wait "$tracer" 2>/dev/null || true
        kill "$server"
        wait "$server" 2>/dev/null || true
        server=""
        calls=$(awk '$NF == "total" {print $4}' "$work/strace.txt")
        [[ "$calls" =~ ^[0-9]+$ ]] || die "no strace total for $shape/$backend: $(cat "$work/strace.txt" "$work/strace.err")"
        read -r a0 f0 < <(sed -n 1p "$work/alloc.txt")
        read -r a1 f1 < <(sed -n 2p "$work/alloc.txt")
        python3 - "$shape" "$backend" "$calls" "$a0" "$a1" "$f0" "$f1" "$measured" >>"$result" <<'EOF'
import sys
shape, backend, calls, a0, a1, f0, f1, n = sys.argv[1:]
n = int(n)
print("%-12s %-8s %14.2f %16.2f %14.2f" % (shape, backend, int(calls) / n,
      (int(a1) - int(a0)) / n, (int(f1) - int(f0)) / n))
EOF
        cp "$work/strace.txt" "$OUT/strace-$shape-$backend.txt"
        port=$((port + 1))
    done
done
cat "$result"
