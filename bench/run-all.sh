#!/usr/bin/env bash
# The FraiseQL end-to-end benchmark: FraiseQL (native and libpq backends) vs PostGraphile 4.x
# vs pgbench on the same PostgreSQL, same dataset, same query shapes. docs/benchmarks.md
# explains the method and holds the results of a full run.
#
#   bench/run-all.sh [BUILD_DIR]          the full run (default BUILD_DIR: build/release)
#   bench/run-short.sh BUILD_DIR          the short run `make bench` does (a few minutes)
#
# Knobs (environment):
#   SCALE=1            dataset size: 10,000 users x SCALE (bench/dataset/generate.sql)
#   DURATION=5         seconds per measured run (wrk -d, pgbench -T)
#   WARMUP=2           seconds of warm-up per system and shape, once, before the first rep
#   REPS=3             repetitions; each rep runs every configuration once, alternating
#                      systems innermost (A B C A B C ...), so slow drift hits all alike
#   CONNS="1 16 64"    concurrent connections (wrk -c, pgbench -c)
#   SHAPES="a_by_id b_list20 c_nested20 d_filtered e_list10k"
#   SYSTEMS="fraiseql-native fraiseql-libpq postgraphile pgbench-emitted pgbench-handwritten
#            fraiseql-nocache"   (fraiseql-nocache: the native backend with plan_cache_size = 0)
#   PIN=0              1 = pin the load generator to CPU 0 and the GraphQL server to CPU 1
#                      (PostgreSQL stays on both). Off by default: on a machine shared with
#                      other work, pinned processes cannot move away from a busy CPU and
#                      measured ~25% slower (docs/benchmarks.md); the split is reported instead
#                      (server CPU time per request, from /proc/PID/stat)
#   NICE=0             scheduling priority (nice value, e.g. -10) for everything the benchmark runs:
#                      load generator, servers and the private PostgreSQL. On a machine shared
#                      with other work it keeps CFS from starving a one-thread server (which
#                      gets one share against pgbench's one share per backend); needs root
#                      for negative values. Recorded in environment.txt.
#   POOL_SIZE=10       database connections of each GraphQL server
#   SERVER_THREADS=1   FraiseQL I/O threads (PostGraphile/Node is one thread too)
#   OUT=DIR            where raw and summarised results go
#                      (default: bench/results for the full run, BUILD_DIR/bench-results else)
#   BASE_PORT=18080    HTTP ports BASE_PORT+1.. for the servers
#   KEEP_CLUSTER=0     1 = leave the private PostgreSQL running at the end
#   BENCH_FRAISEQL_BIN=PATH  the fraiseql binary (default BUILD_DIR/apps/fraiseql/fraiseql)
#
# It starts its own PostgreSQL cluster in BUILD_DIR/bench-pg (tools/pg-test-cluster.sh) and
# stops it at the end, installs PostGraphile from npm into BUILD_DIR/bench-postgraphile (not
# the source tree; skipped with a message when npm or the registry is unavailable), loads the
# dataset (reloaded only when SCALE changes), checks that every server answers every shape
# with data and without errors, then measures.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-build/release}
[[ "$build" = /* ]] || build=$root/$build

SCALE=${SCALE:-1}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-2}
REPS=${REPS:-3}
CONNS=${CONNS:-"1 16 64"}
SHAPES=${SHAPES:-"a_by_id b_list20 c_nested20 d_filtered e_list10k"}
SYSTEMS=${SYSTEMS:-"fraiseql-native fraiseql-libpq postgraphile pgbench-emitted pgbench-handwritten fraiseql-nocache"}
PIN=${PIN:-0}
POOL_SIZE=${POOL_SIZE:-10}
SERVER_THREADS=${SERVER_THREADS:-1}
BASE_PORT=${BASE_PORT:-18080}
KEEP_CLUSTER=${KEEP_CLUSTER:-0}
RUN_KIND=${RUN_KIND:-full}
if [[ -z "${OUT:-}" ]]; then
    if [[ "$RUN_KIND" == full ]]; then OUT=$here/results; else OUT=$build/bench-results; fi
fi

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

fraiseql=${BENCH_FRAISEQL_BIN:-$build/apps/fraiseql/fraiseql}
[[ -x "$fraiseql" ]] || die "no $fraiseql: build first (cmake --preset release && cmake --build --preset release --target fraiseql)"
for tool in wrk pgbench psql python3 taskset; do
    command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done

mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/fraiseql-bench.XXXXXX")
pids=()
cluster_dir=$build/bench-pg
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ "$KEEP_CLUSTER" != 1 ]]; then
        "$root/tools/pg-test-cluster.sh" stop "$cluster_dir" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Pinning: the load generator on CPU 0, the server under test on CPU 1, PostgreSQL on both.
NICE=${NICE:-0}
prio=()
[[ "$NICE" != 0 ]] && prio=(nice -n "$NICE")
if [[ "$PIN" == 1 && $(nproc) -ge 2 ]]; then
    pin_load=("${prio[@]}" taskset -c 0)
    pin_server=("${prio[@]}" taskset -c 1)
    cpu_split="load generator on CPU 0, server on CPU 1, PostgreSQL unpinned (CPUs 0-1)"
else
    pin_load=("${prio[@]}")
    pin_server=("${prio[@]}")
    cpu_split="no pinning (PIN=0 or fewer than 2 CPUs)"
fi

# ---------------------------------------------------------------- database
# shellcheck source=bench/lib-database.sh
. "$here/lib-database.sh"
bench_database
if (($(psql -X -qAt -d "$db" -c "SELECT count(*) FROM tb_post") < 10000)); then
    die "shape e_list10k needs at least 10,000 posts: use SCALE >= 0.1"
fi

# ---------------------------------------------------------------- PostGraphile
pg_gql_dir=$build/bench-postgraphile
have_postgraphile=0
if [[ " $SYSTEMS " == *" postgraphile "* ]]; then
    if command -v node >/dev/null && command -v npm >/dev/null; then
        mkdir -p "$pg_gql_dir"
        if ! cmp -s "$here/postgraphile/package-lock.json" "$pg_gql_dir/package-lock.json" ||
            [[ ! -d "$pg_gql_dir/node_modules/postgraphile" ]]; then
            log "installing PostGraphile (npm ci) into $pg_gql_dir"
            cp "$here/postgraphile/package.json" "$here/postgraphile/package-lock.json" "$pg_gql_dir/"
            if (cd "$pg_gql_dir" && npm ci --no-audit --no-fund --loglevel=error) >"$work/npm.log" 2>&1; then
                have_postgraphile=1
            else
                tail -n 20 "$work/npm.log" >&2
                log "warning: npm ci failed: PostGraphile is skipped in this run"
            fi
        else
            have_postgraphile=1
        fi
        cp "$here/postgraphile/server.js" "$pg_gql_dir/server.js"
    else
        log "warning: node/npm not found: PostGraphile is skipped in this run"
    fi
    if ((!have_postgraphile)); then
        SYSTEMS=$(printf '%s\n' $SYSTEMS | grep -vx postgraphile | tr '\n' ' ')
    fi
fi

# ---------------------------------------------------------------- servers
declare -A server_pid server_url
wait_http() { # URL PID NAME
    local i
    for ((i = 0; i < 300; i++)); do
        if curl -s -o /dev/null -m 2 -H 'Content-Type: application/json' \
            -d '{"query":"{ __typename }"}' "$1"; then
            return 0
        fi
        kill -0 "$2" 2>/dev/null || die "$3 exited during start-up (log: $work/$3.log)
$(tail -n 20 "$work/$3.log")"
        sleep 0.1
    done
    die "$3 did not answer on $1 within 30 s"
}

start_fraiseql() { # NAME BACKEND PORT [PLAN_CACHE_SIZE]
    FRAISEQL_PLAN_CACHE_SIZE=${4:-1000} FRAISEQL_MAX_PAGE_SIZE=10000 "${pin_server[@]}" "$fraiseql" serve --log-level warn --schema "$here/schema/bench.graphql" \
        --database-url "$db_url" --port "$3" --backend "$2" --pool-size "$POOL_SIZE" \
        --threads "$SERVER_THREADS" --environment production >"$work/$1.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    server_pid[$1]=$pid
    server_url[$1]=http://127.0.0.1:$3/graphql
    wait_http "${server_url[$1]}" "$pid" "$1"
}

start_postgraphile() { # PORT
    (cd "$pg_gql_dir" && NODE_ENV=production exec "${pin_server[@]}" node server.js \
        "$db_url" "$1" "$POOL_SIZE") >"$work/postgraphile.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    server_pid[postgraphile]=$pid
    server_url[postgraphile]=http://127.0.0.1:$1/graphql
    wait_http "${server_url[postgraphile]}" "$pid" postgraphile
}

for sys in $SYSTEMS; do
    case $sys in
    fraiseql-native) start_fraiseql "$sys" native $((BASE_PORT + 1)) ;;
    fraiseql-libpq) start_fraiseql "$sys" libpq $((BASE_PORT + 2)) ;;
    fraiseql-nocache) start_fraiseql "$sys" native $((BASE_PORT + 4)) 0 ;;
    postgraphile) start_postgraphile $((BASE_PORT + 3)) ;;
    pgbench-emitted | pgbench-handwritten) ;;
    *) die "unknown system $sys" ;;
    esac
done

# ---------------------------------------------------------------- per-shape inputs
# The SQL FraiseQL emits, from `fraiseql explain` (product.md §1), turned into a pgbench
# script: $n becomes :pn, and each parameter is passed with -D pn=value, so pgbench -M prepared
# binds it exactly as the server does.
mkdir -p "$OUT/sql"
for shape in $SHAPES; do
    body=$here/queries/$shape.fraiseql.json
    [[ -f "$body" ]] || die "no $body"
    python3 - "$body" "$work/$shape.gql" "$work/$shape.vars" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
open(sys.argv[2], "w").write(d["query"])
open(sys.argv[3], "w").write(json.dumps(d.get("variables") or {}))
EOF
    FRAISEQL_MAX_PAGE_SIZE=10000 "$fraiseql" explain --schema "$here/schema/bench.graphql" \
        --query "$(cat "$work/$shape.gql")" --variables "$(cat "$work/$shape.vars")" \
        >"$OUT/sql/$shape.explain.txt" || die "fraiseql explain failed for $shape"
    python3 - "$OUT/sql/$shape.explain.txt" "$OUT/sql/$shape.emitted.sql" \
        "$OUT/sql/$shape.emitted.params" <<'EOF'
import re, sys
sql, params = [], []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    m = re.match(r"^-- \$(\d+) = (.*)$", line)
    if m:
        params.append(f"p{m.group(1)}={m.group(2)}")
    elif line.strip() and not line.startswith("--"):
        sql.append(line)
if len(sql) != 1:
    sys.exit(f"expected one statement in {sys.argv[1]}, got {len(sql)}")
stmt = re.sub(r"\$(\d+)", r":p\1", sql[0])
open(sys.argv[2], "w").write("-- generated by bench/run-all.sh from fraiseql explain\n" + stmt + "\n")
open(sys.argv[3], "w").write("".join(p + "\n" for p in params))
EOF
    cp "$here/pgbench/$shape.handwritten.sql" "$OUT/sql/$shape.handwritten.sql"
    if [[ -f "$here/pgbench/$shape.handwritten.params" ]]; then
        cp "$here/pgbench/$shape.handwritten.params" "$OUT/sql/$shape.handwritten.params"
    else
        : >"$OUT/sql/$shape.handwritten.params"
    fi
done

# Every server must answer every shape with data and no errors, and all must agree on the
# number of objects returned, before anything is measured.
for shape in $SHAPES; do
    expect=""
    for sys in $SYSTEMS; do
        case $sys in
        fraiseql-*) body=$here/queries/$shape.fraiseql.json ;;
        postgraphile) body=$here/queries/$shape.postgraphile.json ;;
        *) continue ;;
        esac
        curl -s -m 30 -H 'Content-Type: application/json' --data-binary "@$body" \
            "${server_url[$sys]}" >"$work/check.json"
        n=$(python3 - "$work/check.json" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"bad JSON: {e}"); sys.exit(0)
if d.get("errors") or not d.get("data"):
    print("errors: " + json.dumps(d)[:300]); sys.exit(0)
v = next(iter(d["data"].values()))
print(len(v) if isinstance(v, list) else (1 if v else 0))
EOF
)
        [[ "$n" =~ ^[0-9]+$ && "$n" != 0 ]] || die "$sys on $shape: $n"
        [[ -z "$expect" || "$expect" == "$n" ]] || die "$sys on $shape returns $n objects, others $expect"
        expect=$n
    done
    for kind in emitted handwritten; do
        if [[ " $SYSTEMS " == *" pgbench-$kind "* ]]; then
            args=()
            while IFS= read -r p; do [[ -n "$p" ]] && args+=(-v "${p%%=*}=${p#*=}"); done \
                <"$OUT/sql/$shape.$kind.params"
            # psql uses :'p1' for a quoted value; the pgbench form :p1 is rewritten for the check.
            rows=$(sed -E "s/:(p[0-9]+)/:'\1'/g" "$OUT/sql/$shape.$kind.sql" |
                psql -X -qAt -v ON_ERROR_STOP=1 "${args[@]}" -d "$db" | wc -l) ||
                die "pgbench-$kind SQL for $shape fails in psql"
            [[ -z "$expect" || "$expect" == "$rows" ]] ||
                die "pgbench-$kind SQL for $shape returns $rows rows, the servers $expect"
        fi
    done
    log "check $shape: every system returns ${expect:-?} objects"
done

# ---------------------------------------------------------------- measuring
cc_running() { # compiler processes of other engineers right now (a load marker)
    local n
    n=$(pgrep -c '^(cc1plus|cc1|ld|ninja)$' 2>/dev/null) || true
    echo "${n:-0}"
}

# run_wrk SYS SHAPE CONNS SECONDS -> prints
#   "rps p50_us p99_us mean_us errors peak_rss_kb idle_rss_kb server_cpu_us_per_request"
run_wrk() {
    local sys=$1 shape=$2 c=$3 secs=$4 body pid out rss_idle rss_peak
    case $sys in
    fraiseql-*) body=$here/queries/$shape.fraiseql.json ;;
    postgraphile) body=$here/queries/$shape.postgraphile.json ;;
    esac
    pid=${server_pid[$sys]}
    rss_idle=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    local cpu0 cpu1
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat") # utime + stime, clock ticks (proc(5))
    # Reset the peak-RSS counter (VmHWM) to the current RSS: proc(5), /proc/pid/clear_refs.
    echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
    out=$(BENCH_BODY_FILE=$body "${pin_load[@]}" wrk -t1 -c"$c" -d"${secs}s" --timeout 30s \
        -s "$here/wrk/post.lua" "${server_url[$sys]}" 2>&1) || die "wrk failed: $out"
    rss_peak=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
    cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    kill -0 "$pid" 2>/dev/null || die "$sys died during $shape c=$c"
    printf '%s\n' "$out" | sed -n 's/^BENCH_JSON //p' | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
err = d["err_connect"] + d["err_read"] + d["err_write"] + d["err_status"] + d["err_timeout"]
n = d["requests"]
cpu_us = "%.1f" % (int(sys.argv[3]) / int(sys.argv[4]) * 1e6 / n) if n else "NaN"
print(d["requests_per_s"], d["p50_us"], d["p99_us"], d["mean_us"], err, sys.argv[1], sys.argv[2],
      cpu_us)
' "$rss_peak" "$rss_idle" "$((cpu1 - cpu0))" "$(getconf CLK_TCK)"
}

# run_pgbench KIND SHAPE CONNS SECONDS -> same fields. pgbench's per-transaction log cannot
# give percentiles here: with several clients on one thread it reads the clock lazily and logs
# many transactions with latency 0, so p50/p99 are reported as NaN and only pgbench's mean
# latency (which is clients / tps) is kept. RSS is "-": there is no server process.
run_pgbench() {
    local kind=$1 shape=$2 c=$3 secs=$4 args=() p out
    while IFS= read -r p; do [[ -n "$p" ]] && args+=(-D "$p"); done <"$OUT/sql/$shape.$kind.params"
    out=$("${pin_load[@]}" pgbench -n -M prepared -T "$secs" -c "$c" -j 1 \
        -f "$OUT/sql/$shape.$kind.sql" "${args[@]}" "$db" 2>&1) || die "pgbench failed: $out"
    printf '%s\n' "$out" | python3 -c '
import re, sys
text = sys.stdin.read()
tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", text)
lat = re.search(r"latency average = ([0-9.]+) ms", text)
failed = re.search(r"number of failed transactions: (\d+)", text)
print(tps.group(1) if tps else 0, "NaN", "NaN", float(lat.group(1)) * 1000 if lat else "NaN",
      failed.group(1) if failed else 0, "-", "-", "NaN")
'
}

run_one() { # SYS SHAPE CONNS SECONDS
    case $1 in
    pgbench-emitted) run_pgbench emitted "$2" "$3" "$4" ;;
    pgbench-handwritten) run_pgbench handwritten "$2" "$3" "$4" ;;
    *) run_wrk "$@" ;;
    esac
}

raw=$OUT/raw.csv
echo "rep,system,shape,connections,requests_per_s,p50_us,p99_us,mean_us,errors,peak_rss_kb,idle_rss_kb,server_cpu_us_per_request,loadavg_1m,compilers_running,started_at" >"$raw"

log "warm-up: ${WARMUP}s per system and shape"
for shape in $SHAPES; do
    for sys in $SYSTEMS; do
        run_one "$sys" "$shape" 16 "$WARMUP" >/dev/null
    done
done

total=0
for _ in $SHAPES; do for _ in $CONNS; do for _ in $SYSTEMS; do total=$((total + 1)); done; done; done
total=$((total * REPS))
log "measuring: $total runs of ${DURATION}s ($cpu_split)"
i=0
for ((rep = 1; rep <= REPS; rep++)); do
    for shape in $SHAPES; do
        for c in $CONNS; do
            for sys in $SYSTEMS; do
                i=$((i + 1))
                load=$(cut -d' ' -f1 /proc/loadavg)
                ccs=$(cc_running)
                started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
                res=$(run_one "$sys" "$shape" "$c" "$DURATION")
                read -r rps p50 p99 mean err rss idle cpu <<<"$res"
                echo "$rep,$sys,$shape,$c,$rps,$p50,$p99,$mean,$err,$rss,$idle,$cpu,$load,$ccs,$started" >>"$raw"
                awk -v i="$i" -v t="$total" -v r="$rep" -v sh="$shape" -v c="$c" -v s="$sys" \
                    -v rps="$rps" -v p50="$p50" -v p99="$p99" -v mean="$mean" -v cpu="$cpu" -v rss="$rss" -v l="$load" -v cc="$ccs" \
                    'BEGIN { printf "bench: [%d/%d] rep %d %-10s c=%-3s %-20s %9.1f req/s  mean %7.2f ms  p50 %7.2f ms  p99 %7.2f ms  cpu %s us/req  rss %s kB  (load %s, compilers %s)\n", i, t, r, sh, c, s, rps, mean / 1000, p50 / 1000, p99 / 1000, cpu, rss, l, cc }' >&2
            done
        done
    done
done

# ---------------------------------------------------------------- environment and summary
{
    echo "run_kind=$RUN_KIND"
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "git_commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown) (dirty = other engineers' uncommitted work was in the tree when it was built)"
    echo "fraiseql=$("$fraiseql" --version 2>&1 | head -1)"
    echo "build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null)"
    echo "compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null) $(c++ --version | head -1)"
    echo "postgresql=$(psql -X -qAt -d "$db" -c 'SHOW server_version')"
    echo "postgraphile=$( ((have_postgraphile)) && node -p "require('$pg_gql_dir/node_modules/postgraphile/package.json').version" || echo skipped)"
    echo "node=$(node --version 2>/dev/null || echo none)"
    echo "wrk=$(wrk -v 2>&1 | head -1)"
    echo "pgbench=$(pgbench --version)"
    echo "kernel=$(uname -r)"
    echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1) x $(nproc)"
    echo "governor=$(cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null || echo n/a)"
    echo "cpu_split=$cpu_split"
    echo "dataset=scale $SCALE: $counts"
    echo "duration_s=$DURATION"
    echo "warmup_s=$WARMUP"
    echo "reps=$REPS"
    echo "connections=$CONNS"
    echo "pool_size=$POOL_SIZE"
    echo "nice=$NICE"
    echo "server_threads=$SERVER_THREADS"
    echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/environment.txt"

python3 "$here/summarize.py" "$OUT" || die "summarize.py failed"
if command -v gnuplot >/dev/null; then
    for gp in "$here"/plot/*.gp; do
        gnuplot -e "dir='$OUT'" "$gp" 2>"$work/gnuplot.log" ||
            { cat "$work/gnuplot.log" >&2; log "warning: gnuplot failed on $gp"; }
    done
else
    log "gnuplot not found: no plots (scripts/install-deps.sh installs gnuplot-nox)"
fi
log "results in $OUT (raw.csv, summary.csv, ratios.csv, summary.md, *.png)"
