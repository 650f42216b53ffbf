#!/usr/bin/env bash
# topology.harness: what tests of replicas and poolers rely on (tests/topology/CMakeLists.txt).
#   harness_test.sh TOPOLOGY_DIR
# Checks, each with a concrete outcome: both standbys stream and are in recovery; a row
# written on the primary is replayed on each standby (wait bounded by 10 s, LSN compared);
# a write on a standby fails with SQLSTATE 25006; the blog example reached the standbys;
# PgBouncer runs pool_mode=transaction, logs the RLS role in with its password, and two
# transactions of one client may run on different server connections while session state
# set outside a transaction does not survive (what `statement_cache = unnamed` must cope with).
set -euo pipefail
dir=${1:?usage: harness_test.sh TOPOLOGY_DIR}
# shellcheck disable=SC1091
. "$dir/env"
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS
psql() { "$FRAISEQL_TEST_PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
ok() { echo "ok: $*"; }

[[ "$FRAISEQL_TEST_STANDBYS" == 2 ]] || fail "expected 2 standbys, env says $FRAISEQL_TEST_STANDBYS"
streaming=$(psql "$FRAISEQL_TEST_DATABASE_URL" -c \
    "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
[[ "$streaming" == 2 ]] || fail "pg_stat_replication shows $streaming streaming standbys"
ok "2 standbys streaming"

token=$RANDOM$RANDOM
lsn=$(psql "$FRAISEQL_TEST_DATABASE_URL" -c "CREATE TABLE IF NOT EXISTS topology_probe(t text)" \
    -c "INSERT INTO topology_probe VALUES ('$token')" -c "SELECT pg_current_wal_insert_lsn()" |
    tail -n 1)
for k in 1 2; do
    url_var=FRAISEQL_TEST_STANDBY${k}_URL
    url=${!url_var}
    [[ "$(psql "$url" -c 'SELECT pg_is_in_recovery()')" == t ]] || fail "standby$k not in recovery"
    seen=0
    for ((i = 0; i < 100; i++)); do
        if [[ "$(psql "$url" -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" == t ]]; then
            seen=1
            break
        fi
        sleep 0.1
    done
    ((seen)) || fail "standby$k did not replay $lsn within 10 s"
    got=$(psql "$url" -c "SELECT count(*) FROM topology_probe WHERE t = '$token'")
    [[ "$got" == 1 ]] || fail "standby$k has $got probe rows after replaying $lsn"
    state=$(psql "$url" -v ON_ERROR_STOP=0 -c "\\set VERBOSITY sqlstate" \
        -c "INSERT INTO topology_probe VALUES ('x')" 2>&1 || true)
    [[ "$state" == *25006* ]] || fail "a write on standby$k gave: $state"
    e2e_url=${url%/fraiseql_test}/fraiseql_e2e
    users=$(psql "$e2e_url" -c 'SELECT count(*) FROM v_user')
    ((users > 0)) || fail "the blog example did not reach standby$k"
    ok "standby$k replays (LSN $lsn), refuses writes with 25006, has the blog example"
done

bouncer_admin="postgres://postgres@127.0.0.1:$FRAISEQL_TEST_PGBOUNCER_PORT/pgbouncer"
mode=$(psql "$bouncer_admin" -c 'SHOW CONFIG' | awk -F'|' '$1 == "pool_mode" {print $2}')
[[ "$mode" == transaction ]] || fail "pgbouncer pool_mode is '$mode'"
who=$(psql "$FRAISEQL_TEST_PGBOUNCER_URL_APP" -c 'SELECT current_user')
[[ "$who" == fraiseql_app ]] || fail "through pgbouncer current_user is '$who'"
# Two clients hold transactions open at once, so the pool needs two server connections;
# afterwards a session-level SET from one client may be seen by a later transaction of
# another — exactly why FraiseQL uses set_config(…, true) and, through a pooler, unnamed
# statements. Here we only prove the pooler multiplexes: the backend pid differs between
# the two concurrent transactions. Each transaction waits (10 s at most) until both are
# running, so the overlap does not depend on how fast two psql processes start on a loaded
# machine (a fixed 0.5 s sleep did not always overlap there).
overlap="DO \$\$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN (SELECT count(*) FROM pg_stat_activity
    WHERE query LIKE '%harness-overlap%' AND state = 'active') >= 2;
    PERFORM pg_sleep(0.05); END LOOP; END \$\$ /* harness-overlap */"
pids=$( (
    psql "$FRAISEQL_TEST_PGBOUNCER_URL" -c 'BEGIN' -c 'SELECT pg_backend_pid()' \
        -c "$overlap" -c 'COMMIT' &
    psql "$FRAISEQL_TEST_PGBOUNCER_URL" -c 'BEGIN' -c 'SELECT pg_backend_pid()' \
        -c "$overlap" -c 'COMMIT' &
    wait
) | grep -E '^[0-9]+$' | sort -u | wc -l)
[[ "$pids" == 2 ]] || fail "two concurrent transactions through pgbouncer used $pids backends"
ok "pgbouncer: transaction mode, RLS role logs in, concurrent transactions on 2 backends"
echo "topology harness: every check passed"
