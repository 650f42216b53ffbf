#!/usr/bin/env bash
# xsGroupBy over 100,000 rows (issue 18, docs/aggregates.md "Performance"): grouping by a real
# column vs by a JSONB key, through the server (wrk) with the SQL's own time beside it (pgbench
# running the exact statement `fraiseql explain` prints, its parameters inlined as literals).
# One table holds every value both as a column and in its document; two @view types read it,
# one with `columns`, one through a view of the document only.
#
#   bench/aggregate_groupby.sh [BUILD_DIR]     default BUILD_DIR: build/release
#
# Knobs: ROWS=100000 DURATION=5 CONNS=4 BACKEND=native BASE_PORT=18280
#        BENCH_FRAISEQL_BIN (default BUILD_DIR/apps/fraiseql/fraiseql)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-build/release}
[[ "$build" = /* ]] || build=$root/$build
ROWS=${ROWS:-100000}
DURATION=${DURATION:-5}
CONNS=${CONNS:-4}
BACKEND=${BACKEND:-native}
BASE_PORT=${BASE_PORT:-18280}
log() { printf 'aggregate-bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
fraiseql=${BENCH_FRAISEQL_BIN:-$build/apps/fraiseql/fraiseql}
[[ -x "$fraiseql" ]] || die "no $fraiseql: build first"
for tool in wrk pgbench psql python3; do command -v "$tool" >/dev/null || die "$tool not found"; done
work=$(mktemp -d "${TMPDIR:-/tmp}/fraiseql-agg.XXXXXX")
cluster_dir=$build/bench-agg-pg
server=""
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    "$root/tools/pg-test-cluster.sh" stop "$cluster_dir" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$root/tools/pg-test-cluster.sh" start "$cluster_dir" >"$work/cluster.log" 2>&1 ||
    { cat "$work/cluster.log" >&2; die "cannot start the cluster"; }
port=$(sed -n 's/^FRAISEQL_TEST_PORT=//p' "$cluster_dir/env")
export PGSSLMODE=disable PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
db=fraiseql_agg_bench
db_url="postgres://postgres@127.0.0.1:$port/$db?sslmode=disable"
psql -X -qAt -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
    psql -X -q -d postgres -c "CREATE DATABASE $db" -c "ALTER DATABASE $db SET timezone = 'UTC'"
log "loading $ROWS devices"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
SET client_min_messages = warning;
DROP VIEW IF EXISTS v_device_doc;
DROP TABLE IF EXISTS tb_device;
CREATE TABLE tb_device (id int PRIMARY KEY, category text, price numeric, purchased_on timestamptz,
                        data jsonb NOT NULL);
INSERT INTO tb_device
SELECT n, 'cat-' || (n % 20), round((n % 1000) / 7.0, 2),
       timestamptz '2023-01-01' + (n % 730) * interval '1 day' + (n % 24) * interval '1 hour',
       jsonb_build_object('id', n, 'category', 'cat-' || (n % 20), 'price', round((n % 1000) / 7.0, 2),
                          'purchased_on', timestamptz '2023-01-01' + (n % 730) * interval '1 day'
                                          + (n % 24) * interval '1 hour',
                          'name', 'device ' || n, 'notes', repeat('x', 100))
FROM generate_series(1, $ROWS) AS n;
CREATE VIEW v_device_doc AS SELECT data FROM tb_device;
VACUUM ANALYZE tb_device;
SQL
cat >"$work/schema.graphql" <<'GQL'
type Device @view(name: "tb_device", columns: ["id", "category", "price", "purchased_on"]) {
  id: Int! category: String price: Decimal purchasedOn: DateTime name: String
}
type DeviceDoc @view(name: "v_device_doc") {
  id: Int! category: String price: Decimal purchasedOn: DateTime name: String
}
type Query { devices: [Device!]! deviceDocs: [DeviceDoc!]! }
GQL

declare -A queries=(
    [column_category]='{ devicesGroupBy(by: [{field: category}]) { key { category } count sum { price } } }'
    [jsonb_category]='{ deviceDocsGroupBy(by: [{field: category}]) { key { category } count sum { price } } }'
    [column_month]='{ devicesGroupBy(by: [{field: purchasedOn, bucket: MONTH}]) { key { purchasedOn } count avg { price } } }'
    [jsonb_month]='{ deviceDocsGroupBy(by: [{field: purchasedOn, bucket: MONTH}]) { key { purchasedOn } count avg { price } } }'
    [column_aggregate]='{ devicesAggregate { count sum { price } min { purchasedOn } } }'
    [jsonb_aggregate]='{ deviceDocsAggregate { count sum { price } min { purchasedOn } } }'
)
order="column_category jsonb_category column_month jsonb_month column_aggregate jsonb_aggregate"

http_port=$BASE_PORT
"$fraiseql" serve --schema "$work/schema.graphql" --database-url "$db_url" --backend "$BACKEND" \
    --port "$http_port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$http_port/health" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "http://127.0.0.1:$http_port/health" >/dev/null || { cat "$work/server.log" >&2; die "server did not start"; }

printf '%-18s %12s %12s %12s %12s\n' shape "http_req/s" "http_p50_ms" "sql_tps" "sql_lat_ms"
for shape in $order; do
    q=${queries[$shape]}
    python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "$q" >"$work/$shape.json"
    # One request checked: data, no errors.
    curl -fsS -H 'Content-Type: application/json' --data @"$work/$shape.json" \
        "http://127.0.0.1:$http_port/graphql" >"$work/$shape.out"
    grep -q '"errors"' "$work/$shape.out" && die "$shape: $(head -c 300 "$work/$shape.out")"
    out=$(BENCH_BODY_FILE=$work/$shape.json wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 30s \
        -s "$here/wrk/post.lua" "http://127.0.0.1:$http_port/graphql" 2>&1)
    http=$(printf '%s\n' "$out" | sed -n 's/^BENCH_JSON //p')
    # The statement explain prints, its parameters inlined as literals: pgbench would make
    # each mention of a variable a parameter of its own, and a GROUP BY key that names the
    # time zone twice ($1 in the select list and in GROUP BY) must be one expression.
    "$fraiseql" explain --schema "$work/schema.graphql" --database-url "$db_url" --query "$q" \
        >"$work/$shape.explain"
    python3 - "$work/$shape.explain" "$work/$shape.pgbench" <<'PY'
import re, sys
text = open(sys.argv[1]).read().splitlines()
sql = next(l for l in text if not l.startswith("--")).rstrip(";")
params = {}
for l in text:
    m = re.match(r"-- \$(\d+) = (.*)", l)
    if m:
        params[m.group(1)] = m.group(2)
def literal(m):
    v = params[m.group(1)]
    return "'" + v.replace("'", "''") + "'"
sql = re.sub(r"\$(\d+)", literal, sql)
open(sys.argv[2], "w").write(sql + ";\n")
PY
    pg=$(pgbench -n -M extended -c "$CONNS" -j 1 -T "$DURATION" -f "$work/$shape.pgbench" \
        "$db" 2>&1) || die "pgbench: $pg"
    tps=$(printf '%s\n' "$pg" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    lat=$(printf '%s\n' "$pg" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
    python3 - "$shape" "$http" "$tps" "$lat" <<'PY'
import json, sys
h = json.loads(sys.argv[2])
print(f"{sys.argv[1]:<18} {h['requests_per_s']:>12.1f} {h['p50_us']/1000:>12.2f} {float(sys.argv[3]):>12.1f} {float(sys.argv[4]):>12.2f}")
PY
done
