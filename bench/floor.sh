#!/usr/bin/env bash
# The physical floor of one by-id request on this machine (issue 15): what the four I/O calls
# of a request (recv HTTP, send to PostgreSQL, recv from PostgreSQL, send HTTP) cost when a
# program does nothing else, next to what the real server and pgbench cost.
#
#   bench/floor.sh [BUILD_DIR=build/release]
#
# Measures, RUNS times alternating (the machine is shared: the spread is reported):
#   io-floor             bench/floor/io_floor.c (built here with cc -O2): a single-threaded
#                        epoll server doing only the by-id request's I/O with the SQL FraiseQL
#                        emits (from `fraiseql explain`), pool POOL_SIZE; wrk -t1 -cCLIENTS
#   fraiseql-BACKEND     the real server (SERVER=1, default), threads 1, pool POOL_SIZE; the same wrk
#   pgbench-handwritten  pgbench -M prepared -cCLIENTS -j1 with bench/pgbench/a_by_id.handwritten.sql
# and per request: server user and system µs (/proc/PID/stat), PostgreSQL µs (the postmaster
# and all its children, live and reaped), the load generator's own CPU µs (wait4 rusage), req/s;
# then the best throughput ratio against pgbench those CPU costs allow on a saturated box
# (bench/floor/measure.py); pgbench's connection start and end (measured with -t 1) are taken
# out of its figures, the servers' connections being made before measuring. Finally
# `strace -c` attached to io_floor for a separate wrk run: its system calls per request (and
# the server's, with SERVER=1).
#
# Environment: SCALE (0.1, shared with run-all.sh), BASE_PORT (18500: io_floor, +1 the
# server), RUNS (3), DURATION (8 s measured) after WARMUP (3 s), CLIENTS (16), POOL_SIZE (10),
# SERVER (1), BACKEND (native), DB_SOCKET=1 for PostgreSQL's unix socket instead of TCP,
# OUT (BUILD_DIR/bench-results: floor.tsv, floor.md, strace-floor-*.txt), BENCH_FRAISEQL_BIN
# (the server binary, default BUILD_DIR/apps/fraiseql/fraiseql; the cluster stays in BUILD_DIR).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-build/release}
[[ "$build" = /* ]] || build=$root/$build
SCALE=${SCALE:-0.1}
BASE_PORT=${BASE_PORT:-18500}
RUNS=${RUNS:-3}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-3}
CLIENTS=${CLIENTS:-16}
POOL_SIZE=${POOL_SIZE:-10}
SERVER=${SERVER:-1}
BACKEND=${BACKEND:-native}
OUT=${OUT:-$build/bench-results}
NICE=0
shape=a_by_id
log() { printf 'floor: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}
fraiseql=${BENCH_FRAISEQL_BIN:-$build/apps/fraiseql/fraiseql}
[[ -x "$fraiseql" ]] || die "no $fraiseql: build first (its explain gives the emitted SQL)"
for tool in wrk pgbench psql python3 cc strace curl; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/fraiseql-floor.XXXXXX")
cluster_dir=$build/bench-pg
server=""
floor=""
# shellcheck source=bench/lib-database.sh
. "$here/lib-database.sh"
stop_all() {
    [[ -n "$floor" ]] && kill "$floor" 2>/dev/null && wait "$floor" 2>/dev/null
    bench_cleanup
}
trap stop_all EXIT
trap 'exit 130' INT TERM
bench_database
pm=$(head -1 "$cluster_dir/data/postmaster.pid")

cc -O2 -Wall -Wextra -Werror -o "$work/io_floor" "$here/floor/io_floor.c" || die "cannot build io_floor"

# The statement FraiseQL emits for the shape and its parameter, from `fraiseql explain`
# (lines "-- $1 = value", one SQL line).
body=$here/queries/$shape.fraiseql.json
python3 - "$body" "$work/query.graphql" "$work/vars.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
open(sys.argv[2], "w").write(d["query"])
open(sys.argv[3], "w").write(json.dumps(d.get("variables") or {}))
EOF
"$fraiseql" explain --schema "$here/schema/bench.graphql" --query "$(cat "$work/query.graphql")" \
    --variables "$(cat "$work/vars.json")" >"$work/explain.txt" || die "fraiseql explain failed"
sql=$(grep -v -e '^--' -e '^[[:space:]]*$' "$work/explain.txt")
[[ $(wc -l <<<"$sql") = 1 ]] || die "expected one statement from explain: $(cat "$work/explain.txt")"
param=$(sed -n "s/^-- [$]1 = //p" "$work/explain.txt")
if [[ -z "$param" ]] || grep -q "^-- [$]2 = " "$work/explain.txt"; then
    die "expected exactly one parameter: $(cat "$work/explain.txt")"
fi
param=${param#\'}
param=${param%\'}
cp "$work/explain.txt" "$OUT/floor-emitted.sql"
log "emitted SQL: $sql  (\$1 = $param)"

pg_args=(--pg-host 127.0.0.1 --pg-port "$port")
if [[ "${DB_SOCKET:-0}" = 1 ]]; then
    sock=$(psql -X -qAt -d "$db" -c "SHOW unix_socket_directories")
    db_url="postgres://postgres@/$db?host=$sock&port=$PGPORT&sslmode=disable"
    pg_args=(--pg-socket "$sock/.s.PGSQL.$port")
fi
floor_port=$BASE_PORT
server_port=$((BASE_PORT + 1))
"$work/io_floor" --port "$floor_port" "${pg_args[@]}" --dbname "$db" --pool "$POOL_SIZE" \
    --sql "$sql" --param "$param" --field user 2>"$work/floor.log" &
floor=$!
for _ in $(seq 100); do
    grep -q 'io_floor: ready' "$work/floor.log" && break
    kill -0 "$floor" 2>/dev/null || die "io_floor did not start: $(cat "$work/floor.log")"
    sleep 0.1
done
grep -q 'io_floor: ready' "$work/floor.log" || die "io_floor did not start: $(cat "$work/floor.log")"
if [[ "$SERVER" = 1 ]]; then
    "$fraiseql" serve --log-level warn --schema "$here/schema/bench.graphql" \
        --database-url "$db_url" --port "$server_port" --backend "$BACKEND" \
        --pool-size "$POOL_SIZE" --threads 1 --environment production >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do
        curl -fsS -o /dev/null "http://127.0.0.1:$server_port/health" 2>/dev/null && break
        sleep 0.1
    done
fi

# Both answer with the same user. The floor sends the row's bytes unchanged: for a document
# this small the emitted SQL returns it whole (snake_case, every key) and the server projects
# and renames; that transform is server work the floor does not do.
post() { curl -fsS -H 'Content-Type: application/json' --data-binary @"$body" "http://127.0.0.1:$1/graphql"; }
post "$floor_port" >"$work/floor.json" || die "io_floor did not answer"
python3 - "$work/floor.json" "$param" <<'EOF' || die "io_floor's answer is wrong: $(cat "$work/floor.json")"
import json, sys
u = json.load(open(sys.argv[1]))["data"]["user"]
assert u["id"] == sys.argv[2] and u["email"], u
EOF
log "io_floor answers $(wc -c <"$work/floor.json") bytes: $(head -c 200 "$work/floor.json")"
if [[ "$SERVER" = 1 ]]; then
    post "$server_port" >"$work/server.json" || die "the server did not answer ($(tail -3 "$work/server.log"))"
    python3 - "$work/floor.json" "$work/server.json" <<'EOF' || die "the server and io_floor disagree"
import json, sys
a, b = (json.load(open(p))["data"]["user"] for p in sys.argv[1:])
assert a["id"] == b["id"] and a["email"] == b["email"] and a["first_name"] == b["firstName"], (a, b)
EOF
    log "the server answers the same user in $(wc -c <"$work/server.json") bytes: $(head -c 200 "$work/server.json")"
fi

# The hand-written SQL for pgbench, as bench/run-all.sh runs it.
pgb_args=()
while IFS= read -r p; do [[ -n "$p" ]] && pgb_args+=(-D "$p"); done <"$here/pgbench/$shape.handwritten.params"
pgbench_cmd() {
    pgbench -n -M prepared -T "$1" -c "$CLIENTS" -j 1 -f "$here/pgbench/$shape.handwritten.sql" \
        "${pgb_args[@]}" "$db"
}
wrk_cmd() {
    BENCH_BODY_FILE=$body wrk -t1 -c"$CLIENTS" -d"$1s" -s "$here/wrk/post.lua" "http://127.0.0.1:$2/graphql"
}

tsv=$OUT/floor.tsv
{
    echo "# bench/floor.sh $shape: wrk -t1 -c$CLIENTS / pgbench -c$CLIENTS -j1, ${DURATION}s after ${WARMUP}s, pool $POOL_SIZE, scale $SCALE, $(date -u +%FT%TZ)"
    echo "# commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown); label run req/s requests server_user_us server_sys_us pg_us client_us"
} >"$tsv"
measure() { # LABEL RUN SERVER_PID CMD...
    local label=$1 run=$2 pid=$3
    shift 3
    BENCH_BODY_FILE=$body python3 "$here/floor/measure.py" run "$label" "$run" "$pid" "$pm" -- "$@" |
        tee -a "$tsv" >&2
}
for run in $(seq "$RUNS"); do
    log "run $run of $RUNS"
    wrk_cmd "$WARMUP" "$floor_port" >/dev/null
    measure io-floor "$run" "$floor" wrk -t1 -c"$CLIENTS" -d"${DURATION}s" \
        -s "$here/wrk/post.lua" "http://127.0.0.1:$floor_port/graphql"
    if [[ "$SERVER" = 1 ]]; then
        wrk_cmd "$WARMUP" "$server_port" >/dev/null
        measure "fraiseql-$BACKEND" "$run" "$server" wrk -t1 -c"$CLIENTS" -d"${DURATION}s" \
            -s "$here/wrk/post.lua" "http://127.0.0.1:$server_port/graphql"
    fi
    pgbench_cmd "$WARMUP" >/dev/null
    # Connection start and end alone (a backend fork per client), subtracted by the summary.
    measure pgbench-startup "$run" 0 pgbench -n -M prepared -t 1 -c "$CLIENTS" -j 1 \
        -f "$here/pgbench/$shape.handwritten.sql" "${pgb_args[@]}" "$db"
    measure pgbench-handwritten "$run" 0 pgbench -n -M prepared -T "$DURATION" -c "$CLIENTS" -j 1 \
        -f "$here/pgbench/$shape.handwritten.sql" "${pgb_args[@]}" "$db"
done

# System calls per request: strace -c on every thread, for a separate wrk run (strace slows
# the traced process several times: these runs give counts, not times).
strace_count() { # LABEL PID PORT
    local tids=() t tracer out n
    for t in /proc/"$2"/task/*; do tids+=(-p "${t##*/}"); done
    strace -c -f -o "$work/strace.txt" "${tids[@]}" 2>"$work/strace.err" &
    tracer=$!
    sleep 1
    out=$(wrk_cmd 3 "$3")
    kill -INT "$tracer"
    wait "$tracer" 2>/dev/null || true
    n=$(sed -n 's/^BENCH_JSON //p' <<<"$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
bad = sum(d[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
sys.exit("wrk errors: %s" % d) if bad else print(d["requests"])') || die "wrk failed under strace"
    cp "$work/strace.txt" "$OUT/strace-floor-$1.txt"
    python3 - "$1" "$n" "$work/strace.txt" <<'EOF'
import sys
label, n = sys.argv[1], int(sys.argv[2])
calls = {}
for line in open(sys.argv[3]):
    f = line.split()
    if len(f) >= 5 and f[3].isdigit():
        calls[f[-1]] = int(f[3])
total = calls.pop("total", None)
if total is None:
    sys.exit("no strace total")
per = ", ".join("%s %.2f" % (k, v / n) for k, v in sorted(calls.items(), key=lambda kv: -kv[1]))
print("%s: %.2f system calls per request (%d requests): %s" % (label, total / n, n, per))
EOF
}
{
    echo
    python3 "$here/floor/measure.py" summary "$tsv"
    echo
    strace_count io-floor "$floor" "$floor_port"
    if [[ "$SERVER" = 1 ]]; then
        strace_count "fraiseql-$BACKEND" "$server" "$server_port"
    fi
} | tee "$OUT/floor.md"
