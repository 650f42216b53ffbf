#!/usr/bin/env bash
# A private PostgreSQL 15 cluster living in one directory, for tests, the demo and developers.
#
#   tools/pg-test-cluster.sh start  DIR [--port N] [--standby-of PRIMARY_DIR]
#                                                    create (first time) or reuse, then start
#   tools/pg-test-cluster.sh stop   DIR              fast shutdown; exit 0 when not running
#   tools/pg-test-cluster.sh status DIR              exit 0 running, 3 not running
#   tools/pg-test-cluster.sh env    DIR              print DIR/env (exit 1 when absent)
#
# Layout: DIR/data (PGDATA), DIR/run (unix socket), DIR/log/postgres.log, DIR/env (KEY=VALUE
# lines for tests and tools, rewritten at every start), DIR/root.crt (CA for sslmode=verify-full),
# DIR/server.crt + DIR/server.key (CN=localhost, SAN IP:127.0.0.1, DNS:localhost).
#
# --port N picks the TCP port (127.0.0.1 only); without it, or with N = 0, the port of the
# previous start is reused when free, else the first free port from 25432 upward (below the
# kernel's ephemeral range, 32768-60999, so client sockets of a busy test run never take it).
#
# --standby-of PRIMARY_DIR makes DIR a streaming-replication hot standby of the (running)
# private cluster in PRIMARY_DIR: created the first time by pg_basebackup -R (physical
# replication, product.md §6.1), read-only, with the primary's roles and databases; its env
# file has the same keys, pointing at the standby. tools/pg-test-topology.sh builds on it.
#
# As root (CI, these machines) the server runs as the `postgres` system user through runuser,
# and postgres is granted traverse-only access to DIR's ancestors: see
# docs/adr/0002-private-clusters-as-root.md. As any other user everything runs as that user.
#
# Environment: FRAISEQL_PG_BIN overrides the server binaries' directory;
# FRAISEQL_TEST_PORT_BASE the first port tried (default 25432).
set -euo pipefail

# FRAISEQL_TEST_PORT_BASE moves the range (tools/pg-test-topology.sh uses 27432): clusters
# whose servers tests stop and restart on their port must not share a range with clusters
# that start meanwhile, or a restart finds its port taken.
readonly first_port=${FRAISEQL_TEST_PORT_BASE:-25432}
readonly last_port=$((first_port + 567))
# Bump when the role/database setup below changes: an existing cluster is then set up again
# (the setup SQL is idempotent).
readonly setup_version=1

# A caller's libpq settings must not redirect our own psql calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGSSLMODE \
    PGOPTIONS PGDATA PGSERVICEFILE PGSSLROOTCERT PGCONNECT_TIMEOUT 2>/dev/null || true

prog=$(basename "$0")
usage() {
    cat >&2 <<EOF
usage: $prog start DIR [--port N] [--standby-of PRIMARY_DIR]
       $prog stop|status|env DIR
EOF
    exit 2
}

log() { printf '%s: %s\n' "$prog" "$*" >&2; }

# die MESSAGE: print MESSAGE and the tail of the logs in show_logs, exit 1.
show_logs=()
die() {
    log "error: $*"
    local f
    for f in "${show_logs[@]}"; do
        if [[ -s "$f" ]]; then
            log "--- last lines of $f ---"
            tail -n 25 "$f" >&2 || true
        fi
    done
    exit 1
}

# ---------------------------------------------------------------- arguments
(($# >= 2)) || usage
cmd=$1
dir_arg=$2
shift 2
port_arg=0
standby_of=""
while (($# > 0)); do
    case "$1" in
        --standby-of)
            (($# >= 2)) || usage
            standby_of=$(realpath -m -- "$2")
            shift 2
            ;;
        --port)
            (($# >= 2)) || usage
            port_arg=$2
            shift 2
            ;;
        --port=*)
            port_arg=${1#--port=}
            shift
            ;;
        *) usage ;;
    esac
done
if ! [[ "$port_arg" =~ ^[0-9]+$ ]] || ((port_arg > 65535)); then
    die "bad --port value: $port_arg"
fi
case "$cmd" in start | stop | status | env) ;; *) usage ;; esac
[[ -n "$dir_arg" ]] || usage

dir=$(realpath -m -- "$dir_arg")
data_dir=$dir/data
run_dir=$dir/run
log_dir=$dir/log
env_file=$dir/env
server_log=$log_dir/postgres.log

# ---------------------------------------------------------------- binaries and identity
find_pg_bin() {
    if [[ -n "${FRAISEQL_PG_BIN:-}" ]]; then
        printf '%s\n' "$FRAISEQL_PG_BIN"
    elif [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
        printf '%s\n' /usr/lib/postgresql/15/bin
    elif command -v pg_config >/dev/null 2>&1; then
        pg_config --bindir
    else
        return 1
    fi
}

as_root=0
((EUID == 0)) && as_root=1

# run_pg CMD...: run CMD as the user that owns the cluster (postgres when we are root).
# From / so that an unreadable working directory (e.g. /root) does not bother the tools.
# fd 9 (the start/stop lock) is closed: the postmaster must not inherit and hold it.
run_pg() {
    if ((as_root)); then
        (cd / && runuser -u postgres -- "$@") 9>&-
    else
        (cd / && "$@") 9>&-
    fi
}

require_binaries() {
    pg_bin=$(find_pg_bin) || die "PostgreSQL server binaries not found (install postgresql-15)"
    local b
    for b in initdb pg_ctl postgres psql; do
        [[ -x "$pg_bin/$b" ]] || die "missing $pg_bin/$b (install postgresql-15)"
    done
    if ((as_root)) && ! id -u postgres >/dev/null 2>&1; then
        die "running as root but there is no 'postgres' system user (install postgresql-15)"
    fi
}

# ---------------------------------------------------------------- cluster state
# is_running: the postmaster of DIR/data is alive (pg_ctl checks postmaster.pid and the pid).
is_running() {
    [[ -f "$data_dir/postmaster.pid" ]] || return 1
    run_pg "$pg_bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1
}

# Line 4 of postmaster.pid is the port, line 5 the socket directory.
running_port() { sed -n 4p "$data_dir/postmaster.pid"; }
running_socket_dir() { sed -n 5p "$data_dir/postmaster.pid"; }

port_in_use() {
    local p=$1
    if command -v ss >/dev/null 2>&1; then
        [[ -n "$(ss -Hltn "( sport = :$p )" 2>/dev/null)" ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
    fi
}

# Sets `port`: the requested one, else the previous one when free, else the first free one.
pick_port() {
    local skip=${1:-0}
    if ((port_arg != 0)); then
        port_in_use "$port_arg" && die "port $port_arg is already in use"
        port=$port_arg
        return
    fi
    local previous
    previous=$(sed -n 's/^FRAISEQL_TEST_PORT=//p' "$env_file" 2>/dev/null || true)
    if [[ "$previous" =~ ^[0-9]+$ ]] && ((previous != skip)) && ! port_in_use "$previous"; then
        port=$previous
        return
    fi
    local p
    for ((p = first_port; p <= last_port; p++)); do
        ((p == skip)) && continue
        if ! port_in_use "$p"; then
            port=$p
            return
        fi
    done
    die "no free TCP port in $first_port..$last_port"
}

# The socket path (…/.s.PGSQL.NNNNN) must fit in sun_path (108 bytes); a deep DIR gets a
# short socket directory under /tmp instead of DIR/run, reported in the env file.
pick_socket_dir() {
    socket_dir=$run_dir
    if ((${#run_dir} + 18 > 100)); then
        socket_dir=${TMPDIR:-/tmp}/fraiseql-pg-$(printf '%s' "$dir" | md5sum | cut -c1-12)
    fi
}

# ---------------------------------------------------------------- permissions (root only)
# grant_traverse PATH: make sure postgres can traverse PATH and each of its ancestors, adding
# only the search (x) permission where missing, with an ACL entry when possible.
grant_traverse() {
    local path=$1 p acc=""
    local -a parts
    IFS=/ read -r -a parts <<<"${path#/}"
    for p in "" "${parts[@]}"; do
        [[ -n "$p" || -z "$acc" ]] || continue
        acc=${acc%/}/$p
        [[ -d "$acc" ]] || break
        if ! runuser -u postgres -- test -x "$acc" 2>/dev/null; then
            if command -v setfacl >/dev/null 2>&1 && setfacl -m u:postgres:x "$acc" 2>/dev/null; then
                log "granted postgres traverse (ACL u:postgres:x) on $acc"
            else
                chmod o+x "$acc" || die "cannot make $acc traversable for postgres"
                log "granted traverse (chmod o+x) on $acc: setfacl unavailable"
            fi
        fi
    done
}

# make_owned_dir PATH MODE: create PATH owned by the cluster's user with MODE.
make_owned_dir() {
    mkdir -p -- "$1"
    ((as_root)) && chown postgres:postgres -- "$1"
    chmod "$2" -- "$1"
}

prepare_dirs() {
    mkdir -p -- "$dir"
    ((as_root)) && grant_traverse "$dir"
    make_owned_dir "$log_dir" 0755
    make_owned_dir "$run_dir" 0755
    if [[ "$socket_dir" != "$run_dir" ]]; then
        make_owned_dir "$socket_dir" 0755
    fi
    if [[ ! -d "$data_dir" ]]; then
        make_owned_dir "$data_dir" 0700
    fi
}

# ---------------------------------------------------------------- TLS material
# A tiny CA (root.crt, given to clients for verify-full) and a server certificate signed by
# it: strict TLS clients reject a self-signed CA certificate used as the server's own.
make_certificates() {
    [[ -s "$dir/server.crt" && -s "$dir/server.key" && -s "$dir/root.crt" ]] && return 0
    command -v openssl >/dev/null 2>&1 || die "openssl not found (install openssl)"
    local tmp
    tmp=$(mktemp -d "$dir/.tls.XXXXXX")
    (
        set -e
        cd "$tmp"
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
            -subj "/CN=FraiseQL test CA" -keyout root.key -out root.crt \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign"
        openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
            -keyout server.key -out server.csr
        printf '%s\n' "basicConstraints=critical,CA:FALSE" \
            "keyUsage=critical,digitalSignature,keyEncipherment" \
            "extendedKeyUsage=serverAuth" \
            "subjectAltName=IP:127.0.0.1,DNS:localhost" >server.ext
        openssl x509 -req -in server.csr -CA root.crt -CAkey root.key -CAcreateserial \
            -days 3650 -sha256 -extfile server.ext -out server.crt
    ) >"$tmp/openssl.log" 2>&1 || {
        cat "$tmp/openssl.log" >&2
        rm -rf -- "$tmp"
        die "openssl failed to make the test certificates"
    }
    # PostgreSQL refuses a key readable by others; it must belong to the server's user.
    chmod 0600 "$tmp/server.key" "$tmp/root.key"
    chmod 0644 "$tmp/server.crt" "$tmp/root.crt"
    ((as_root)) && chown postgres:postgres "$tmp/server.key" "$tmp/server.crt"
    mv -f -- "$tmp/root.key" "$tmp/root.crt" "$tmp/server.key" "$tmp/server.crt" "$dir/"
    rm -rf -- "$tmp"
}

# ---------------------------------------------------------------- configuration
init_cluster() {
    # Output captured first: `locale -a | grep -q` can fail under pipefail (SIGPIPE).
    local locale_opts=(--locale=C.UTF-8) locales
    locales=$(locale -a 2>/dev/null || true)
    if ! grep -qix 'c\.utf-\?8' <<<"$locales"; then
        locale_opts=(--no-locale)
    fi
    log "initdb $data_dir"
    if ! run_pg "$pg_bin/initdb" -D "$data_dir" -U postgres -E UTF8 "${locale_opts[@]}" \
        --auth=trust --no-sync >"$log_dir/initdb.log" 2>&1; then
        # Leave an empty data dir behind so the next start retries initdb.
        find "$data_dir" -mindepth 1 -delete 2>/dev/null || true
        show_logs=("$log_dir/initdb.log")
        die "initdb failed"
    fi
    printf "\n# FraiseQL private cluster settings (tools/pg-test-cluster.sh)\ninclude 'fraiseql.conf'\n" |
        run_pg tee -a "$data_dir/postgresql.conf" >/dev/null
}

# A standby's data directory: a base backup of the running primary in $standby_of, with
# standby.signal and primary_conninfo written by -R (streaming replication over the
# primary's unix socket). The primary's fraiseql.conf comes along and is rewritten below.
base_backup() {
    local penv pport psock
    penv=$standby_of/env
    [[ -f "$penv" ]] || die "--standby-of $standby_of: no env file (start the primary first)"
    pport=$(sed -n 's/^FRAISEQL_TEST_PORT=//p' "$penv")
    psock=$(sed -n 's/^FRAISEQL_TEST_SOCKET_DIR=//p' "$penv")
    [[ -x "$pg_bin/pg_basebackup" ]] || die "missing $pg_bin/pg_basebackup (install postgresql-15)"
    log "pg_basebackup of $standby_of (port $pport) into $data_dir"
    show_logs=("$log_dir/basebackup.log")
    if ! run_pg "$pg_bin/pg_basebackup" -h "$psock" -p "$pport" -U postgres -D "$data_dir" \
        -R -X stream -c fast --no-sync >"$log_dir/basebackup.log" 2>&1; then
        find "$data_dir" -mindepth 1 -delete 2>/dev/null || true
        die "pg_basebackup failed"
    fi
    # primary_conninfo is written into fraiseql.conf at every start instead (the primary's
    # port may change between runs); postgresql.auto.conf would override it.
    run_pg sed -i '/^primary_conninfo/d' "$data_dir/postgresql.auto.conf"
    printf '%s\n' "$standby_of" >"$dir/standby_of"
}

# primary_conninfo of a standby, from its primary's env file (current port and socket).
standby_settings() {
    [[ -f "$dir/standby_of" ]] || return 0
    local pdir penv
    pdir=$(cat "$dir/standby_of")
    penv=$pdir/env
    [[ -f "$penv" ]] || die "standby of $pdir: no env file there (start the primary first)"
    printf "primary_conninfo = 'host=%s port=%s user=postgres application_name=%s'\n" \
        "$(sed -n 's/^FRAISEQL_TEST_SOCKET_DIR=//p' "$penv")" \
        "$(sed -n 's/^FRAISEQL_TEST_PORT=//p' "$penv")" "$(basename "$dir")"
}

# Rewritten before every start so a moved DIR or a changed port is picked up.
write_config() {
    local standby_conf
    standby_conf=$(standby_settings)
    run_pg tee "$data_dir/fraiseql.conf" >/dev/null <<EOF
# Written by tools/pg-test-cluster.sh at every start; edits are lost.
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$socket_dir'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
ssl = on
ssl_cert_file = '$dir/server.crt'
ssl_key_file = '$dir/server.key'
log_min_messages = warning
$standby_conf
EOF
    # First matching line wins (pg_hba.conf docs, "The pg_hba.conf File").
    run_pg tee "$data_dir/pg_hba.conf" >/dev/null <<'EOF'
# Written by tools/pg-test-cluster.sh at every start; edits are lost.
# TYPE     DATABASE  USER              ADDRESS        METHOD
local      all       postgres                         trust
local      all       all                              trust
local      replication  postgres                      trust
host       replication  postgres        127.0.0.1/32  trust
host       all       fraiseql_md5      127.0.0.1/32   md5
host       all       fraiseql_scram    127.0.0.1/32   scram-sha-256
host       all       fraiseql_clear    127.0.0.1/32   password
host       all       fraiseql_app      127.0.0.1/32   scram-sha-256
hostnossl  all       fraiseql_sslonly  127.0.0.1/32   reject
hostssl    all       fraiseql_sslonly  127.0.0.1/32   scram-sha-256
host       all       all               127.0.0.1/32   trust
EOF
}

# Roles and database for the auth/TLS/RLS tests. Idempotent: creates what is missing and
# resets passwords, so it can run again when setup_version changes.
setup_sql() {
    cat <<'EOF'
\set ON_ERROR_STOP 1
SELECT 'CREATE DATABASE fraiseql_test OWNER postgres ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'fraiseql_test') \gexec
SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['fraiseql_md5', 'fraiseql_scram',
    'fraiseql_clear', 'fraiseql_trust', 'fraiseql_app', 'fraiseql_sslonly']) AS r
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
-- The stored form follows the session's password_encryption at the time the password is set.
SET password_encryption = 'md5';
ALTER ROLE fraiseql_md5 LOGIN NOSUPERUSER PASSWORD 'md5_pass_1';
SET password_encryption = 'scram-sha-256';
ALTER ROLE fraiseql_scram LOGIN NOSUPERUSER PASSWORD 'scram_pass_1';
ALTER ROLE fraiseql_clear LOGIN NOSUPERUSER PASSWORD 'clear_pass_1';
ALTER ROLE fraiseql_trust LOGIN NOSUPERUSER PASSWORD NULL;
ALTER ROLE fraiseql_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD 'app_pass_1';
ALTER ROLE fraiseql_sslonly LOGIN NOSUPERUSER PASSWORD 'ssl_pass_1';
GRANT CONNECT, TEMPORARY ON DATABASE fraiseql_test TO fraiseql_md5, fraiseql_scram,
    fraiseql_clear, fraiseql_trust, fraiseql_app, fraiseql_sslonly;
\connect fraiseql_test
GRANT USAGE, CREATE ON SCHEMA public TO fraiseql_md5, fraiseql_scram, fraiseql_clear,
    fraiseql_trust, fraiseql_app, fraiseql_sslonly;
-- Tables that tests create as postgres are usable by the test roles without extra GRANTs
-- (RLS tests still see only what their policies allow: the roles are not owners).
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO fraiseql_md5, fraiseql_scram,
    fraiseql_clear, fraiseql_trust, fraiseql_app, fraiseql_sslonly;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO fraiseql_md5, fraiseql_scram, fraiseql_clear,
    fraiseql_trust, fraiseql_app, fraiseql_sslonly;
SELECT format('CREATE EXTENSION IF NOT EXISTS %I', name) FROM pg_available_extensions
WHERE name IN ('ltree', 'pgcrypto') \gexec
EOF
}

run_setup() {
    local marker=$data_dir/fraiseql_setup_version
    [[ "$(cat "$marker" 2>/dev/null || true)" == "$setup_version" ]] && return 0
    log "creating test roles and database fraiseql_test"
    if ! setup_sql | run_pg "$pg_bin/psql" -X -q -h "$socket_dir" -p "$port" -U postgres \
        -d postgres -v ON_ERROR_STOP=1 -f - >"$log_dir/setup.log" 2>&1; then
        show_logs=("$log_dir/setup.log" "$server_log")
        die "role/database setup failed"
    fi
    printf '%s\n' "$setup_version" | run_pg tee "$marker" >/dev/null
}

write_env() {
    local p=$1 s=$2 base="@127.0.0.1:$1/fraiseql_test" tmp
    tmp=$(mktemp "$dir/.env.XXXXXX")
    cat >"$tmp" <<EOF
FRAISEQL_TEST_PG_BIN=$pg_bin
FRAISEQL_TEST_PGDATA=$data_dir
FRAISEQL_TEST_PORT=$p
FRAISEQL_TEST_SOCKET_DIR=$s
FRAISEQL_TEST_DATABASE_URL=postgres://postgres$base
FRAISEQL_TEST_URL_TRUST=postgres://fraiseql_trust$base
FRAISEQL_TEST_URL_MD5=postgres://fraiseql_md5:md5_pass_1$base
FRAISEQL_TEST_URL_SCRAM=postgres://fraiseql_scram:scram_pass_1$base
FRAISEQL_TEST_URL_CLEARTEXT=postgres://fraiseql_clear:clear_pass_1$base
FRAISEQL_TEST_URL_APP=postgres://fraiseql_app:app_pass_1$base
FRAISEQL_TEST_URL_SSLONLY=postgres://fraiseql_sslonly:ssl_pass_1$base
FRAISEQL_TEST_SSL_ROOT_CERT=$dir/root.crt
EOF
    chmod 0644 "$tmp"
    mv -f -- "$tmp" "$env_file"
}

# ---------------------------------------------------------------- commands
cmd_start() {
    require_binaries
    mkdir -p -- "$dir"
    # One start at a time per DIR (ctest fixtures and a demo may race).
    exec 9>"$dir/.start.lock"
    flock -w 120 9 || die "timed out waiting for another start/stop on $dir"

    if is_running; then
        # Already up: finish a setup that an earlier start did not complete, refresh env.
        port=$(running_port)
        socket_dir=$(running_socket_dir)
        run_setup
        write_env "$port" "$socket_dir"
        return 0
    fi

    pick_socket_dir
    prepare_dirs
    if [[ ! -f "$data_dir/PG_VERSION" ]]; then
        if [[ -n "$standby_of" ]]; then
            base_backup
        else
            init_cluster
        fi
    fi
    make_certificates

    local attempt skip=0
    for ((attempt = 1; attempt <= 5; attempt++)); do
        pick_port "$skip"
        write_config
        show_logs=("$log_dir/pg_ctl.log" "$server_log")
        if run_pg "$pg_bin/pg_ctl" -D "$data_dir" -l "$server_log" -w -t 60 start \
            >"$log_dir/pg_ctl.log" 2>&1; then
            break
        fi
        # An automatically chosen port may have been taken meanwhile by another cluster
        # (parallel test runs in other build directories): try the next one.
        local recent
        recent=$(tail -n 20 "$server_log" 2>/dev/null || true)
        if ((port_arg == 0)) &&
            grep -q 'could not bind\|could not create any TCP/IP sockets' <<<"$recent"; then
            skip=$port
            log "port $port was taken, retrying"
            continue
        fi
        die "pg_ctl start failed"
    done
    is_running || die "server did not start"
    # A standby is read-only: its roles and databases come from the primary.
    [[ -f "$data_dir/standby.signal" ]] || run_setup
    write_env "$port" "$socket_dir"
}

cmd_stop() {
    [[ -d "$data_dir" ]] || return 0
    require_binaries
    exec 9>"$dir/.start.lock"
    flock -w 120 9 || die "timed out waiting for another start/stop on $dir"
    is_running || return 0
    show_logs=("$log_dir/pg_ctl.log" "$server_log")
    run_pg "$pg_bin/pg_ctl" -D "$data_dir" -m fast -w -t 60 stop >"$log_dir/pg_ctl.log" 2>&1 ||
        die "pg_ctl stop failed"
}

cmd_status() {
    require_binaries
    if is_running; then
        printf 'running: port %s, socket %s, data %s\n' "$(running_port)" \
            "$(running_socket_dir)" "$data_dir"
        return 0
    fi
    printf 'not running: %s\n' "$data_dir"
    return 3
}

cmd_env() {
    [[ -f "$env_file" ]] || {
        log "no env file: $env_file (run: $prog start $dir_arg)"
        return 1
    }
    cat -- "$env_file"
}

case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
esac
