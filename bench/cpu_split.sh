#!/usr/bin/env bash
# Server CPU and PostgreSQL CPU per request for one shape (issue 15's "the server should cost
# less CPU than the database does for the same request"): a fresh server on the bench
# dataset, wrk -t1 -c16 for 3 s of warm-up then 8 s measured; the server's user and system
# time from /proc/PID/stat, PostgreSQL's as the sum over the postmaster's children (backends
# and background processes) over the same 8 s; both divided by the requests wrk completed.
#
#   bench/cpu_split.sh SHAPE [BACKEND=native] [THREADS=1] [BUILD_DIR=build/release]
#
# Environment: SCALE (default 0.1, shared with run-all.sh and counts.sh), PORT (18990),
# DB_SOCKET=1 to reach PostgreSQL over its unix socket instead of TCP, BENCH_FRAISEQL_BIN (another
# server binary against BUILD_DIR's bench cluster: a before/after pair in one sitting).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shape=${1:?shape, e.g. a_by_id}
backend=${2:-native}
threads=${3:-1}
build=${4:-build/release}
[[ "$build" = /* ]] || build=$root/$build
SCALE=${SCALE:-0.1}
PORT=${PORT:-18990}
NICE=0
log() { printf 'cpu_split: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}
fraiseql=${BENCH_FRAISEQL_BIN:-$build/apps/fraiseql/fraiseql}
[[ -x "$fraiseql" ]] || die "no $fraiseql: build first"
work=$(mktemp -d "${TMPDIR:-/tmp}/fraiseql-cpu.XXXXXX")
cluster_dir=$build/bench-pg
server=""
# shellcheck source=bench/lib-database.sh
. "$here/lib-database.sh"
bench_cleanup_on_exit
bench_database
if [[ "${DB_SOCKET:-0}" = 1 ]]; then
    sock=$(psql -X -qAt -d "$db" -c "SHOW unix_socket_directories")
    db_url="postgres://postgres@/$db?host=$sock&port=$PGPORT&sslmode=disable"
fi
body=$here/queries/$shape.fraiseql.json
[[ -f "$body" ]] || die "no $body"
"$fraiseql" serve --log-level warn --schema "$here/schema/bench.graphql" \
    --database-url "$db_url" --port "$PORT" --backend "$backend" --pool-size 10 \
    --threads "$threads" --environment production >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null && break
    sleep 0.1
done
load() { BENCH_BODY_FILE=$body wrk -t1 -c16 -d"$1" -s "$here/wrk/post.lua" "http://127.0.0.1:$PORT/graphql"; }
load 3s >/dev/null
pm=$(head -1 "$cluster_dir/data/postmaster.pid")
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
    local t=0 c
    for c in $(pgrep -P "$pm"); do t=$((t + $(ticks "$c"))); done
    echo "$t"
}
read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$server/stat")
p0=$(pg_ticks)
out=$(load 8s)
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$server/stat")
p1=$(pg_ticks)
python3 - "$shape" "$backend" "$threads" "$(getconf CLK_TCK)" "$u0" "$s0" "$u1" "$s1" "$p0" "$p1" \
    "$(sed -n 's/^BENCH_JSON //p' <<<"$out")" <<'PY'
import json, sys
shape, backend, threads, tck = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
u0, s0, u1, s1, p0, p1 = (int(x) for x in sys.argv[5:11])
d = json.loads(sys.argv[11])
bad = d["err_connect"] + d["err_read"] + d["err_write"] + d["err_status"] + d["err_timeout"]
if bad:
    sys.exit("wrk errors: %s" % d)
n = d["requests"]
us = lambda t: t / tck / n * 1e6
print("%-11s %-7s threads=%s  %8.0f req/s  server CPU %5.1f us/req (user %.1f, system %.1f)"
      "  PostgreSQL CPU %5.1f us/req" % (shape, backend, threads, d["requests_per_s"],
      us(u1 - u0 + s1 - s0), us(u1 - u0), us(s1 - s0), us(p1 - p0)))
PY
