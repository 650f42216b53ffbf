#!/usr/bin/env bash
# The live-query benchmark of docs/subscriptions.md "Figures" (issue 19): 1k, 5k and 10k
# subscribers in one run, one WebSocket each, against `fraiseql serve` on the blog example,
# all on 127.0.0.1. For each count bench/subscriptions.cjs reports server CPU and PostgreSQL
# CPU per refetch interval (idle, then one cohort changing every interval), push latency
# (mutation sent -> `next` received) p50/p99, and server RSS per subscriber.
#
#   bench/subscriptions.sh BUILD_DIR [COUNTS] [COHORTS] [BACKEND]
#       COUNTS  comma-separated subscriber counts (default 1000,5000,10000)
#       COHORTS distinct variable sets (default 10)
#
# Uses a private cluster in BUILD_DIR/pgsubs (tools/pg-test-cluster.sh; the blog loaded into
# fraiseql_bench, dropped and recreated) and the graphql-ws client that the CTest fixture
# installs in BUILD_DIR/tests/e2e/graphql_ws/npm (or NODE_MODULES=...). Each socket is a file
# descriptor in the client and in the server: the open-file limit is raised to the hard limit
# (10k subscribers need ~10.1k in each process).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: subscriptions.sh BUILD_DIR [COUNTS] [COHORTS] [BACKEND]}" && pwd)
counts=${2:-1000,5000,10000}
cohorts=${3:-10}
backend=${4:-native}
seconds=${SECONDS_PER_PHASE:-10}
modules=${NODE_MODULES:-$build/tests/e2e/graphql_ws/npm/node_modules}
bin=$build/apps/fraiseql/fraiseql
[[ -d "$modules/graphql-ws" ]] || { echo "no graphql-ws in $modules (run ctest -R graphql_ws once, or set NODE_MODULES)" >&2; exit 1; }

hard=$(ulimit -Hn)
ulimit -n "$hard"
max=0
IFS=, read -ra ns <<<"$counts"
for n in "${ns[@]}"; do (( n > max )) && max=$n; done
(( hard > max + 200 )) || { echo "open-file hard limit $hard is too low for $max sockets" >&2; exit 1; }

cluster=$build/pgsubs
"$here/tools/pg-test-cluster.sh" start "$cluster" >/dev/null
"$here/tools/pg-load-example.sh" "$cluster" fraiseql_bench >/dev/null
# shellcheck disable=SC1091
. "$cluster/env"
pg_pid=$(head -n 1 "$FRAISEQL_TEST_PGDATA/postmaster.pid")

log=$(mktemp)
# Every WebSocket is also an HTTP connection (max_connections): both above the largest count.
FRAISEQL_MAX_WEBSOCKET_CONNECTIONS=$((max + 100)) FRAISEQL_MAX_CONNECTIONS=$((max + 1000)) \
    FRAISEQL_SUBSCRIPTION_REFETCH_INTERVAL=1s \
    "$bin" serve --schema "$here/examples/blog/schema.graphql" \
    --database-url "postgres://postgres@127.0.0.1:$FRAISEQL_TEST_PORT/fraiseql_bench" \
    --backend "$backend" --port 0 --environment production >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"; "$here/tools/pg-test-cluster.sh" stop "$cluster" >/dev/null' EXIT
port=""
for _ in $(seq 100); do
    port=$(grep -oE 'http://[^:]+:[0-9]+/graphql' "$log" | head -n 1 | sed -E 's/.*:([0-9]+)\/graphql/\1/' || true)
    [[ -n "$port" ]] && break
    sleep 0.1
done
[[ -n "$port" ]] || { cat "$log"; exit 1; }
echo "# fraiseql $backend pid $pid port $port; PostgreSQL pid $pg_pid; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${ns[@]}"; do
    node "$here/bench/subscriptions.cjs" --modules "$modules" --port "$port" --server-pid "$pid" \
        --pg-pid "$pg_pid" --subscribers "$n" --sockets "$n" --cohorts "$cohorts" \
        --seconds "$seconds"
    sleep 2 # the server drops the closed sockets' subscribers
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
