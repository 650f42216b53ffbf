# Sourced by the benchmark scripts (run-all.sh, counts.sh): the private PostgreSQL cluster in
# $cluster_dir with the dataset at $SCALE in database fraiseql_bench (reloaded only when SCALE
# changes). Expects root, here, cluster_dir, work, SCALE, NICE and the log/die functions; sets
# port, db, db_url and the PG* variables psql and pgbench use.
bench_database() {
    log "starting the private cluster in $cluster_dir"
    "$root/tools/pg-test-cluster.sh" start "$cluster_dir" >"$work/cluster.log" 2>&1 ||
        { cat "$work/cluster.log" >&2; die "cannot start the cluster"; }
    port=$(sed -n 's/^FRAISEQL_TEST_PORT=//p' "$cluster_dir/env")
    if [[ "$NICE" != 0 ]]; then
        # The postmaster and its current children; new backends inherit the postmaster's value.
        pm=$(head -1 "$cluster_dir/data/postmaster.pid")
        renice -n "$NICE" -p "$pm" $(pgrep -P "$pm") >/dev/null || die "renice failed (root needed)"
    fi
    export PGSSLMODE=disable PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
    unset PGDATABASE PGPASSWORD PGOPTIONS
    db=fraiseql_bench
    db_url="postgres://postgres@127.0.0.1:$port/$db?sslmode=disable"

    if ! psql -X -qAt -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        psql -X -q -d postgres -c "CREATE DATABASE $db" -c "ALTER DATABASE $db SET timezone = 'UTC'"
    fi
    # Reloaded when the scale or the dataset's SQL changes.
    local want
    want="$SCALE $(sha1sum "$here/dataset/generate.sql" | cut -c1-12)"
    loaded=$(psql -X -qAt -d "$db" -c "SELECT scale FROM bench_meta" 2>/dev/null || true)
    if [[ "$loaded" != "$want" ]]; then
        log "loading the dataset at scale $SCALE (bench/dataset/generate.sql)"
        t0=$(date +%s)
        psql -X -q -v ON_ERROR_STOP=1 -v scale="$SCALE" -d "$db" -f "$here/dataset/generate.sql" \
            >"$work/load.log" || { cat "$work/load.log" >&2; die "dataset load failed"; }
        psql -X -q -d "$db" -c "SET client_min_messages = warning; DROP TABLE IF EXISTS bench_meta" \
            -c "CREATE TABLE bench_meta (scale text)" -c "INSERT INTO bench_meta VALUES ('$want')"
        log "dataset loaded in $(($(date +%s) - t0)) s"
    fi
    counts=$(psql -X -qAt -d "$db" -c "SELECT (SELECT count(*) FROM tb_user) || ' users, ' ||
        (SELECT count(*) FROM tb_post) || ' posts, ' || (SELECT count(*) FROM tb_comment) || ' comments'")
    log "dataset: $counts"
}

# The exit of a bench script: stops its server ($server, when set) and its private cluster
# ($cluster_dir), removes $work. Installed as the EXIT trap by bench_cleanup_on_exit.
bench_cleanup() {
    [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    "$root/tools/pg-test-cluster.sh" stop "$cluster_dir" >/dev/null 2>&1 || true
    rm -rf "$work"
}
bench_cleanup_on_exit() {
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}
