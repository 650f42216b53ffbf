#!/usr/bin/env bash
# pgbouncer_env.sh TOPOLOGY_DIR OUT_DIR: writes OUT_DIR/env, the topology's env file with the
# primary's address replaced by PgBouncer's (FRAISEQL_TEST_PORT, FRAISEQL_TEST_DATABASE_URL).
# Tests that build their URLs from those keys (the whole e2e tier: tests/support/sql.cpp,
# tests/e2e/*) then reach PostgreSQL through PgBouncer in transaction mode
# (tests/topology/pgbouncer.cmake). The unix socket keys still name the primary's socket.
set -euo pipefail
topology=${1:?usage: pgbouncer_env.sh TOPOLOGY_DIR OUT_DIR}
out=${2:?usage: pgbouncer_env.sh TOPOLOGY_DIR OUT_DIR}
port=$(sed -n 's/^FRAISEQL_TEST_PGBOUNCER_PORT=//p' "$topology/env")
[[ "$port" =~ ^[0-9]+$ ]] || {
    echo "pgbouncer_env.sh: no FRAISEQL_TEST_PGBOUNCER_PORT in $topology/env" >&2
    exit 1
}
# PgBouncer answers a pool whose last server login failed with "server login has been failing,
# try again later (server_login_retry)" for 15 s: after pg_topology_start reloads the blog into
# a database PgBouncer held sessions to, that is the first e2e test's answer. Wait until both
# roles the e2e tests use can log in to fraiseql_e2e through it.
pg_bin=$(sed -n 's/^FRAISEQL_TEST_PG_BIN=//p' "$topology/env")
for who in postgres fraiseql_app:app_pass_1; do
    ok=0
    for ((i = 0; i < 300; i++)); do
        if "$pg_bin/psql" -X -q -At "postgres://$who@127.0.0.1:$port/fraiseql_e2e" -c 'SELECT 1' \
            >/dev/null 2>&1; then
            ok=1
            break
        fi
        sleep 0.1
    done
    ((ok)) || {
        echo "pgbouncer_env.sh: ${who%%:*} cannot log in to fraiseql_e2e through PgBouncer" >&2
        exit 1
    }
done
mkdir -p -- "$out"
tmp=$(mktemp "$out/.env.XXXXXX")
# FRAISEQL_TEST_DIRECT_PORT keeps the primary's own port for what must bypass the pooler (the
# LISTEN connection of subscription_notify_url).
direct=$(sed -n 's/^FRAISEQL_TEST_PORT=//p' "$topology/env")
sed -e "s|^FRAISEQL_TEST_PORT=.*|FRAISEQL_TEST_PORT=$port\nFRAISEQL_TEST_DIRECT_PORT=$direct|" \
    -e "s|^FRAISEQL_TEST_DATABASE_URL=.*|FRAISEQL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/fraiseql_test|" \
    "$topology/env" >"$tmp"
chmod 0644 "$tmp"
mv -f -- "$tmp" "$out/env"
grep -q "^FRAISEQL_TEST_PORT=$port\$" "$out/env"
