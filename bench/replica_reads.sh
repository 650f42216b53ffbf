#!/usr/bin/env bash
# Read throughput and CPU per request with 0, 1 and 2 read replicas (docs/scaling.md).
#
#   bench/replica_reads.sh TOPOLOGY_DIR FRAISEQL_BINARY [BACKEND]
#
# TOPOLOGY_DIR is a running tools/pg-test-topology.sh topology with the blog example loaded in
# fraiseql_e2e on its primary (the CTest fixture pg_topology leaves one in build/ci/pgtopology
# while topology tests run; or: tools/pg-test-topology.sh start DIR --standbys 2 &&
# tools/pg-load-example.sh DIR/primary fraiseql_e2e). For each replica count the server
# serves the by-id shape (`post(id:)` with two fields) to wrk (16 connections, DURATION s,
# default 5) and the script reports requests/s, the server's CPU per request, and the CPU per
# request of each PostgreSQL member (postmaster and its children, /proc/<pid>/stat).
# Everything shares this machine's cores: the figures say what routing costs, not what
# separate hosts would give.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
topo=${1:?usage: replica_reads.sh TOPOLOGY_DIR FRAISEQL_BINARY [BACKEND]}
bin=${2:?usage: replica_reads.sh TOPOLOGY_DIR FRAISEQL_BINARY [BACKEND]}
backend=${3:-native}
duration=${DURATION:-5}
conns=${CONNS:-16}
# shellcheck disable=SC1091
. "$topo/env"
url() { echo "postgres://postgres@127.0.0.1:$1/fraiseql_e2e"; }
primary=$(url "$FRAISEQL_TEST_PORT")
r1=$(url "$FRAISEQL_TEST_STANDBY1_PORT")
r2=$(url "$FRAISEQL_TEST_STANDBY2_PORT")
hz=$(getconf CLK_TCK)

# CPU ticks of a process tree (a postmaster and its children).
tree_ticks() {
    local pids t=0 p
    pids="$1 $(pgrep -P "$1" | tr '\n' ' ')"
    for p in $pids; do
        [[ -r /proc/$p/stat ]] || continue
        t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    done
    echo "$t"
}
postmaster() { head -n 1 "$(sed -n 's/^FRAISEQL_TEST_PGDATA=//p' "$topo/$1/env")/postmaster.pid"; }

body=$(mktemp)
trap 'rm -f "$body"' EXIT
printf '{"query":"{ post(id: \\"%s\\") { id title } }"}' \
    "$("$FRAISEQL_TEST_PG_BIN/psql" -X -At "$primary" -c "SELECT md5('post1')::uuid")" >"$body"

printf '%-9s %10s %14s %14s %14s %14s\n' replicas req/s "server us/req" "primary us/req" \
    "standby1 us/req" "standby2 us/req"
for n in 0 1 2; do
    case $n in
        0) replicas="" ;;
        1) replicas="$r1" ;;
        2) replicas="$r1,$r2" ;;
    esac
    log=$(mktemp)
    FRAISEQL_REPLICA_URLS="$replicas" FRAISEQL_POOL_SIZE=16 FRAISEQL_REPLICA_POOL_SIZE=16 \
        "$bin" serve --schema "$here/../examples/blog/schema.graphql" --database-url "$primary" \
        --backend "$backend" --port 0 --log-level warn --environment production >"$log" 2>&1 &
    pid=$!
    port=""
    for _ in $(seq 100); do
        port=$(grep -oE 'http://[^:]+:[0-9]+/graphql' "$log" | head -n 1 | sed -E 's/.*:([0-9]+)\/graphql/\1/' || true)
        [[ -n "$port" ]] && break
        sleep 0.1
    done
    # serve logs "serving … on http://…" at info; with log-level warn, find the port by ss.
    if [[ -z "$port" ]]; then
        sleep 1
        port=$(ss -Hltnp | awk -v p="pid=$pid," '$0 ~ p {print $4}' | sed -E 's/.*:([0-9]+)$/\1/' | head -n 1)
    fi
    [[ -n "$port" ]] || { cat "$log"; kill "$pid"; exit 1; }
    target="http://127.0.0.1:$port/graphql"
    BENCH_BODY_FILE=$body wrk -t1 -c"$conns" -d1s -s "$here/wrk/post.lua" "$target" >/dev/null
    s0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    p0=$(tree_ticks "$(postmaster primary)")
    a0=$(tree_ticks "$(postmaster standby1)")
    b0=$(tree_ticks "$(postmaster standby2)")
    out=$(BENCH_BODY_FILE=$body wrk -t1 -c"$conns" -d"${duration}s" -s "$here/wrk/post.lua" "$target")
    s1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    p1=$(tree_ticks "$(postmaster primary)")
    a1=$(tree_ticks "$(postmaster standby1)")
    b1=$(tree_ticks "$(postmaster standby2)")
    kill "$pid"
    wait "$pid" || true
    rm -f "$log"
    json=$(grep '^BENCH_JSON' <<<"$out" | sed 's/^BENCH_JSON //')
    reqs=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["requests"])' "$json")
    rps=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["requests_per_s"])' "$json")
    errs=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sum(v for k,v in d.items() if k.startswith("err_")))' "$json")
    per() { python3 -c "print(f'{($2 - $1) / $hz * 1e6 / $reqs:.1f}')"; }
    printf '%-9s %10s %14s %14s %14s %14s%s\n' "$n" "$rps" "$(per "$s0" "$s1")" "$(per "$p0" "$p1")" \
        "$(per "$a0" "$a1")" "$(per "$b0" "$b1")" "$( ((errs)) && echo "  ($errs errors)")"
done
