#!/usr/bin/env bash
# A private replication topology for tests and developers (product.md §6.1): a primary, up to
# two streaming-replication hot standbys, and a PgBouncer in transaction mode in front of the
# primary — all on 127.0.0.1, all under one directory.
#
#   tools/pg-test-topology.sh start  DIR [--standbys N] [--pgbouncer]
#   tools/pg-test-topology.sh stop   DIR
#   tools/pg-test-topology.sh env    DIR
#
# Layout: DIR/primary and DIR/standby1, DIR/standby2 are tools/pg-test-cluster.sh clusters
# (the standbys made with its --standby-of); DIR/pgbouncer holds pgbouncer.ini, the auth file,
# the log and the pid file. DIR/env has the primary's keys (FRAISEQL_TEST_*) plus
#   FRAISEQL_TEST_STANDBYS=N
#   FRAISEQL_TEST_STANDBY<k>_PORT, FRAISEQL_TEST_STANDBY<k>_URL (k = 1..N, postgres superuser)
#   FRAISEQL_TEST_STANDBY<k>_URL_APP (the RLS test role fraiseql_app)
#   FRAISEQL_TEST_PGBOUNCER_PORT, FRAISEQL_TEST_PGBOUNCER_URL, FRAISEQL_TEST_PGBOUNCER_URL_APP
# `start` waits until every standby streams from the primary (pg_stat_replication) and PgBouncer
# answers, so a test can rely on replication at once. Restarting reuses what exists.
#
# PgBouncer (Debian's package, 1.18: no prepared-statement support) runs with
# pool_mode = transaction, trust authentication on loopback from an auth file that also holds
# the test roles' passwords, which it uses to log in to the primary.
set -euo pipefail

prog=$(basename "$0")
here=$(cd "$(dirname "$0")" && pwd)
cluster=$here/pg-test-cluster.sh
# A port range of its own (27432+; PgBouncer 26432+): the other test clusters (25432+) are
# stopped and restarted on their ports by outage tests while this topology may be starting.
export FRAISEQL_TEST_PORT_BASE=${FRAISEQL_TEST_TOPOLOGY_PORT_BASE:-27432}

usage() {
    cat >&2 <<EOF
usage: $prog start DIR [--standbys N] [--pgbouncer]
       $prog stop|env DIR
EOF
    exit 2
}
log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

(($# >= 2)) || usage
cmd=$1
dir=$(realpath -m -- "$2")
shift 2
standbys=0
want_pgbouncer=0
while (($# > 0)); do
    case "$1" in
        --standbys)
            (($# >= 2)) || usage
            standbys=$2
            shift 2
            ;;
        --pgbouncer)
            want_pgbouncer=1
            shift
            ;;
        *) usage ;;
    esac
done
[[ "$standbys" =~ ^[0-2]$ ]] || die "--standbys must be 0, 1 or 2"

as_root=0
((EUID == 0)) && as_root=1
run_as_pg() {
    if ((as_root)); then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

env_value() { sed -n "s/^$2=//p" "$1/env"; }

port_in_use() {
    [[ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]]
}

# A PgBouncer port: the previous one when free, else the first free one from 26432 (the
# clusters take 25432+; both below the kernel's ephemeral range).
pick_bouncer_port() {
    local previous p
    previous=$(sed -n 's/^FRAISEQL_TEST_PGBOUNCER_PORT=//p' "$dir/env" 2>/dev/null || true)
    if [[ "$previous" =~ ^[0-9]+$ ]] && ! port_in_use "$previous"; then
        bouncer_port=$previous
        return
    fi
    for ((p = 26432; p <= 26999; p++)); do
        if ! port_in_use "$p"; then
            bouncer_port=$p
            return
        fi
    done
    die "no free TCP port for PgBouncer in 26432..26999"
}

bouncer_dir=$dir/pgbouncer
bouncer_pid() { cat "$bouncer_dir/pgbouncer.pid" 2>/dev/null || true; }
bouncer_running() {
    local pid
    pid=$(bouncer_pid)
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

start_pgbouncer() {
    command -v pgbouncer >/dev/null 2>&1 || die "pgbouncer not found (install pgbouncer)"
    mkdir -p -- "$bouncer_dir"
    ((as_root)) && chown postgres:postgres -- "$bouncer_dir"
    if bouncer_running; then
        bouncer_port=$(sed -n 's/^listen_port = //p' "$bouncer_dir/pgbouncer.ini")
        return
    fi
    pick_bouncer_port
    local pport
    pport=$(env_value "$dir/primary" FRAISEQL_TEST_PORT)
    # trust: no client authentication (loopback tests); the file still lists every user, and
    # the passwords are what PgBouncer sends to the primary (pg_hba asks scram of
    # fraiseql_app). Passwords as in tools/pg-test-cluster.sh's setup.
    cat >"$bouncer_dir/userlist.txt" <<'EOF'
"postgres" ""
"fraiseql_app" "app_pass_1"
"fraiseql_trust" ""
"fraiseql_scram" "scram_pass_1"
"fraiseql_md5" "md5_pass_1"
EOF
    cat >"$bouncer_dir/pgbouncer.ini" <<EOF
; Written by tools/pg-test-topology.sh at every start; edits are lost.
[databases]
* = host=127.0.0.1 port=$pport

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = trust
auth_file = $bouncer_dir/userlist.txt
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 20
server_reset_query =
ignore_startup_parameters = extra_float_digits
logfile = $bouncer_dir/pgbouncer.log
pidfile = $bouncer_dir/pgbouncer.pid
admin_users = postgres
EOF
    ((as_root)) && chown postgres:postgres -- "$bouncer_dir"/*
    run_as_pg pgbouncer -d "$bouncer_dir/pgbouncer.ini" >"$bouncer_dir/start.log" 2>&1 || {
        cat "$bouncer_dir/start.log" "$bouncer_dir/pgbouncer.log" >&2 2>/dev/null || true
        die "pgbouncer did not start"
    }
    local i
    for ((i = 0; i < 100; i++)); do
        if "$pg_bin/psql" -X -q -At -h 127.0.0.1 -p "$bouncer_port" -U postgres \
            -d fraiseql_test -c 'SELECT 1' >/dev/null 2>&1; then
            return
        fi
        sleep 0.1
    done
    tail -n 20 "$bouncer_dir/pgbouncer.log" >&2 || true
    die "pgbouncer does not answer on port $bouncer_port"
}

stop_pgbouncer() {
    bouncer_running || return 0
    local pid i
    pid=$(bouncer_pid)
    kill -INT "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# Waits until `n` standbys stream from the primary.
wait_streaming() {
    local n=$1 i got
    for ((i = 0; i < 300; i++)); do
        got=$("$pg_bin/psql" -X -q -At -h "$psock" -p "$pport" -U postgres -d postgres \
            -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'" 2>/dev/null ||
            echo 0)
        ((got >= n)) && return 0
        sleep 0.1
    done
    die "only $got of $n standbys stream from the primary after 30 s"
}

write_env() {
    local tmp k sport url base
    tmp=$(mktemp "$dir/.env.XXXXXX")
    cat "$dir/primary/env" >"$tmp"
    printf 'FRAISEQL_TEST_STANDBYS=%s\n' "$standbys" >>"$tmp"
    for ((k = 1; k <= standbys; k++)); do
        sport=$(env_value "$dir/standby$k" FRAISEQL_TEST_PORT)
        base="@127.0.0.1:$sport/fraiseql_test"
        printf 'FRAISEQL_TEST_STANDBY%s_PORT=%s\n' "$k" "$sport" >>"$tmp"
        printf 'FRAISEQL_TEST_STANDBY%s_URL=postgres://postgres%s\n' "$k" "$base" >>"$tmp"
        printf 'FRAISEQL_TEST_STANDBY%s_URL_APP=postgres://fraiseql_app:app_pass_1%s\n' "$k" \
            "$base" >>"$tmp"
    done
    if ((want_pgbouncer)); then
        base="@127.0.0.1:$bouncer_port/fraiseql_test"
        printf 'FRAISEQL_TEST_PGBOUNCER_PORT=%s\n' "$bouncer_port" >>"$tmp"
        printf 'FRAISEQL_TEST_PGBOUNCER_URL=postgres://postgres%s\n' "$base" >>"$tmp"
        printf 'FRAISEQL_TEST_PGBOUNCER_URL_APP=postgres://fraiseql_app:app_pass_1%s\n' \
            "$base" >>"$tmp"
    fi
    chmod 0644 "$tmp"
    mv -f -- "$tmp" "$dir/env"
}

cmd_start() {
    mkdir -p -- "$dir"
    exec 8>"$dir/.topology.lock"
    flock -w 300 8 || die "timed out waiting for another start/stop on $dir"
    "$cluster" start "$dir/primary" 8>&-
    pg_bin=$(env_value "$dir/primary" FRAISEQL_TEST_PG_BIN)
    pport=$(env_value "$dir/primary" FRAISEQL_TEST_PORT)
    psock=$(env_value "$dir/primary" FRAISEQL_TEST_SOCKET_DIR)
    local k
    for ((k = 1; k <= standbys; k++)); do
        "$cluster" start "$dir/standby$k" --standby-of "$dir/primary" 8>&-
    done
    wait_streaming "$standbys"
    if ((want_pgbouncer)); then
        start_pgbouncer 8>&-
    fi
    write_env
}

cmd_stop() {
    [[ -d "$dir" ]] || return 0
    exec 8>"$dir/.topology.lock"
    flock -w 300 8 || die "timed out waiting for another start/stop on $dir"
    stop_pgbouncer
    local d
    for d in "$dir"/standby*; do
        [[ -d "$d" ]] && "$cluster" stop "$d" 8>&-
    done
    [[ -d "$dir/primary" ]] && "$cluster" stop "$dir/primary" 8>&-
    return 0
}

case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    env)
        [[ -f "$dir/env" ]] || die "no env file: $dir/env (run: $prog start $dir)"
        cat -- "$dir/env"
        ;;
    *) usage ;;
esac
