#!/usr/bin/env bash
# package.deb: the Debian packages, installed on this machine the way an operator would.
#   deb_test.sh SOURCE_DIR BUILD_DIR VERSION     (root; FRAISEQL_TEST_CLUSTER_DIR: test cluster)
#
# Builds fraiseql_VERSION-1_amd64.deb and libfraiseql-dev_VERSION-1_amd64.deb with CPack from
# the finished build, checks their control data and lintian (no errors), installs them with
# apt-get, then checks --version, man fraiseql, the unit (systemd-analyze verify and its
# settings), the system user and the conffile (every key of docs/configuration.md, valid when
# uncommented), serves the installed blog example as the fraiseql user against the test cluster
# and stops it with SIGTERM, finds the CMake package under /usr, and purges: nothing of the
# packages may remain but the fraiseql system user (kept on purge, as Debian practice is).
#
# It installs into the real /usr and /etc: the EXIT trap purges the packages and removes the
# user it created whatever happens, and a lock keeps two runs on one machine apart. It never
# touches the test cluster (another user's processes, in the build folder).
set -euo pipefail
src=${1:?source dir}
build=${2:?build dir}
version=${3:?version}
work=$build/package-test/deb
arch=$(dpkg --print-architecture)
fail() { echo "deb_test: FAIL: $*" >&2; exit 1; }
step() { echo "deb_test: [$((SECONDS - t0)) s] $*"; }
t0=$SECONDS

((EUID == 0)) || fail "must run as root: it installs the package with apt-get (CI runs as root)"
lock=/run/lock/fraiseql-package-test.lock
[[ -d /run/lock ]] || lock=/tmp/fraiseql-package-test.lock
exec 9>"$lock"
flock -w 900 9 || fail "another package test holds $lock"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' installed$'; }
present() { [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" != "" &&
               "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" != not-installed ]]; }
for p in fraiseql libfraiseql-dev; do
    present "$p" && fail "$p is already on this machine: this test will not replace it (apt-get purge $p)"
done
user_existed=0
getent passwd fraiseql >/dev/null && user_existed=1
group_existed=0
getent group fraiseql >/dev/null && group_existed=1

server_pid=""
demo_pid=""
cleanup() {
    local rc=$?
    if [[ -n "$server_pid" ]]; then kill -9 "$server_pid" 2>/dev/null || true; fi
    if [[ -n "$demo_pid" ]]; then kill -9 "$demo_pid" 2>/dev/null || true; fi
    if [[ -d "$work/demo" ]]; then "$src/tools/pg-test-cluster.sh" stop "$work/demo" >/dev/null 2>&1 || true; fi
    for p in fraiseql libfraiseql-dev; do
        if present "$p"; then
            DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$p" >/dev/null 2>&1 ||
                dpkg --purge "$p" >/dev/null 2>&1 || echo "deb_test: could not purge $p" >&2
        fi
    done
    if ((!user_existed)) && getent passwd fraiseql >/dev/null; then
        deluser --system --quiet fraiseql >/dev/null 2>&1 || userdel fraiseql || true
    fi
    if ((!group_existed)) && getent group fraiseql >/dev/null; then
        groupdel fraiseql 2>/dev/null || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$work"
mkdir -p "$work"
deb=$work/packages/fraiseql_${version}-1_${arch}.deb
devdeb=$work/packages/libfraiseql-dev_${version}-1_${arch}.deb

# ------------------------------------------------------------------ build and inspect
step "cpack -G DEB"
(cd "$build" && cpack -G DEB -B "$work/packages") >"$work/cpack.log" 2>&1 ||
    { tail -30 "$work/cpack.log"; fail "cpack"; }
[[ -f "$deb" ]] || fail "no $(basename "$deb") (got: $(ls "$work/packages"))"
[[ -f "$devdeb" ]] || fail "no $(basename "$devdeb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "  Depends: $depends"
for want in adduser 'libboost-json1\.81\.0' 'libboost-url1\.81\.0' 'libssl3' 'libpq5' 'libicu[0-9]+' \
    'libfmt[0-9]+' 'libspdlog[0-9a-z.-]*' 'libstdc\+\+6' 'libc6'; do
    grep -Eq "(^|, )$want( |,|$)" <<<"$depends" || fail "Depends lacks $want (shlibdeps): $depends"
done
dpkg-deb -e "$deb" "$work/control"
[[ "$(cat "$work/control/conffiles")" == /etc/fraiseql/fraiseql.toml ]] ||
    fail "conffiles is not /etc/fraiseql/fraiseql.toml: $(cat "$work/control/conffiles")"
dpkg-deb -c "$deb" >"$work/fraiseql.contents"
dpkg-deb -c "$devdeb" >"$work/libfraiseql-dev.contents"
for f in ./usr/bin/fraiseql ./etc/fraiseql/fraiseql.toml ./lib/systemd/system/fraiseql.service \
    ./usr/share/man/man1/fraiseql.1.gz ./usr/share/doc/fraiseql/copyright \
    ./usr/share/doc/fraiseql/changelog.Debian.gz ./usr/share/fraiseql/examples/blog/schema.graphql \
    ./usr/share/fraiseql/examples/blog/schema.sql; do
    grep -q " $f\$" "$work/fraiseql.contents" || fail "fraiseql lacks $f"
done
for f in ./usr/include/fraiseql/exec/engine.hpp "./usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/cmake/fraiseql/fraiseqlConfig.cmake" \
    ./usr/share/doc/libfraiseql-dev/copyright; do
    grep -q " $f\$" "$work/libfraiseql-dev.contents" || fail "libfraiseql-dev lacks $f"
done

step "lintian (errors fail)"
if ! lintian --fail-on error "$deb" "$devdeb" >"$work/lintian.txt" 2>&1; then
    cat "$work/lintian.txt"
    fail "lintian reports errors"
fi
sed 's/^/  /' "$work/lintian.txt"

# ------------------------------------------------------------------ install
step "apt-get install ./$(basename "$deb") ./$(basename "$devdeb")"
(cd "$work/packages" && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "./$(basename "$deb")" "./$(basename "$devdeb")") >"$work/install.log" 2>&1 ||
    { tail -30 "$work/install.log"; fail "apt-get install"; }
installed fraiseql || fail "fraiseql is not installed after apt-get"
installed libfraiseql-dev || fail "libfraiseql-dev is not installed after apt-get"

step "fraiseql --version"
/usr/bin/fraiseql --version >"$work/version.txt" || fail "--version exited $?"
sed 's/^/  /' "$work/version.txt"
[[ "$(head -1 "$work/version.txt")" == "fraiseql $version" ]] || fail "first line is not 'fraiseql $version'"
grep -q '^build type: ' "$work/version.txt" || fail "--version lacks the build type"
grep -q '^commit: ' "$work/version.txt" || fail "--version lacks the commit"
grep -q 'native' "$work/version.txt" && grep -q 'libpq [0-9]' "$work/version.txt" ||
    fail "--version lacks the backends"

step "man fraiseql"
[[ -f /usr/share/man/man1/fraiseql.1.gz ]] ||
    fail "/usr/share/man/man1/fraiseql.1.gz not installed (a dpkg path-exclude for /usr/share/man in /etc/dpkg/dpkg.cfg.d?)"
MANWIDTH=100 MANPAGER=cat man fraiseql >"$work/man.txt" 2>"$work/man.err" || fail "man fraiseql exited $?"
for want in 'fraiseql - a GraphQL API' 'fraiseql serve' 'SIGTERM' '/etc/fraiseql/fraiseql.toml' '--database-url'; do
    grep -qF -- "$want" "$work/man.txt" || fail "man fraiseql lacks '$want'"
done
if grep -v '^$' "$work/man.err" | grep -q .; then cat "$work/man.err"; fail "man reported problems"; fi

step "systemd unit"
unit=/lib/systemd/system/fraiseql.service
systemd-analyze verify "$unit" >"$work/verify.txt" 2>&1 || { cat "$work/verify.txt"; fail "systemd-analyze verify"; }
if grep -i 'fraiseql.service' "$work/verify.txt"; then fail "systemd-analyze verify warns about the unit"; fi
for want in 'ExecStart=/usr/bin/fraiseql serve --config /etc/fraiseql/fraiseql.toml' 'Restart=on-failure' \
    'User=fraiseql' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
    'KillSignal=SIGTERM'; do
    grep -qxF "$want" "$unit" || fail "the unit lacks $want"
done

step "system user and conffile"
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd fraiseql) || fail "postinst created no fraiseql user"
((uid < 1000)) || fail "fraiseql is not a system user (uid $uid)"
[[ "$shell" == */nologin || "$shell" == /bin/false ]] || fail "fraiseql has a login shell: $shell"
[[ "$(stat -c '%U:%G %a' /etc/fraiseql/fraiseql.toml)" == "root:fraiseql 640" ]] ||
    fail "conffile is $(stat -c '%U:%G %a' /etc/fraiseql/fraiseql.toml), want root:fraiseql 640"
# Every key of docs/configuration.md, and nothing else, is in the file.
doc_keys=$(sed -n 's/^| `\([a-z_]*\)` |.*/\1/p' "$src/docs/configuration.md" | sort)
file_keys=$(sed -n 's/^#\([a-z_]*\) = .*/\1/p' /etc/fraiseql/fraiseql.toml | sort)
[[ "$doc_keys" == "$file_keys" ]] || { diff <(echo "$doc_keys") <(echo "$file_keys") || true; fail "conffile keys differ from docs/configuration.md"; }
# Uncommented, every default is accepted (keys without a default stay commented).
sed -E '/^#[a-z_]+ = ""$/d; s/^#([a-z_]+ = )/\1/' /etc/fraiseql/fraiseql.toml >"$work/all-defaults.toml"
schema=/usr/share/fraiseql/examples/blog/schema.graphql
/usr/bin/fraiseql explain --config "$work/all-defaults.toml" --schema "$schema" \
    --query '{ users(limit: 1) { email } }' >"$work/explain.txt" 2>&1 ||
    { cat "$work/explain.txt"; fail "the conffile with every default uncommented is refused"; }

# ------------------------------------------------------------------ serve the installed example
step "serve $schema as user fraiseql"
port=$(sed -n 's/^FRAISEQL_TEST_PORT=//p' "${FRAISEQL_TEST_CLUSTER_DIR:?}/env")
url="postgres://postgres@127.0.0.1:$port/fraiseql_e2e"
log=$work/serve.log
(cd / && exec setpriv --reuid=fraiseql --regid=fraiseql --init-groups -- /usr/bin/fraiseql serve --config /etc/fraiseql/fraiseql.toml \
    --schema "$schema" --database-url "$url" --port 0) >"$log" 2>&1 &
server_pid=$!
http_port=""
for _ in $(seq 1 300); do
    http_port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9]*\)/graphql.*|\1|p' "$log" | head -1)
    [[ -n "$http_port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log"; fail "the server exited"; }
    sleep 0.1
done
[[ -n "$http_port" ]] || { cat "$log"; fail "the server did not listen within 30 s"; }
base=http://127.0.0.1:$http_port
answer=$(curl -sS --max-time 10 "$base/graphql" -H 'Content-Type: application/json' \
    -d '{"query":"{ users(limit: 2, orderBy: [{email: ASC}]) { email } }"}')
echo "  $answer"
[[ "$answer" == '{"data":{"users":[{"email":"alice@example.com"},{"email":"'* ]] ||
    fail "unexpected answer: $answer"
[[ "$(grep -o '"email"' <<<"$answer" | wc -l)" == 2 ]] || fail "expected two users: $answer"
health=$(curl -sS --max-time 10 "$base/health")
[[ "$health" == *"\"version\":\"$version\""* ]] || fail "/health lacks the version: $health"
# Read whole first: `grep -q` stops at the match, and curl still writing the rest of a long
# /metrics body would fail the pipeline (curl: (23) Failed writing body).
metrics=$(curl -sS --max-time 10 "$base/metrics")
grep -qxF "fraiseql_build_info{version=\"$version\"} 1" <<<"$metrics" ||
    fail "/metrics lacks fraiseql_build_info{version=\"$version\"}"
step "SIGTERM"
stop_start=$SECONDS
kill -TERM "$server_pid"
for _ in $(seq 1 200); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server_pid" 2>/dev/null && fail "the server still runs 20 s after SIGTERM"
status=0
wait "$server_pid" || status=$?
server_pid=""
((status == 0)) || { cat "$log"; fail "the server exited $status after SIGTERM, want 0"; }
grep -q 'stopped' "$log" || fail "no graceful stop in the log"
echo "  stopped in $((SECONDS - stop_start)) s, exit 0"

# `fraiseql demo` from /usr/bin finds the example and the cluster script in /usr/share/fraiseql.
step "fraiseql demo (installed command, private cluster in $work/demo)"
(cd / && exec /usr/bin/fraiseql demo --data-dir "$work/demo" --port 0) >"$work/demo.log" 2>&1 &
demo_pid=$!
demo_port=""
for _ in $(seq 1 1200); do
    demo_port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9]*\)/graphql.*|\1|p' "$work/demo.log" | head -1)
    [[ -n "$demo_port" ]] && break
    kill -0 "$demo_pid" 2>/dev/null || { cat "$work/demo.log"; fail "fraiseql demo exited"; }
    sleep 0.1
done
[[ -n "$demo_port" ]] || { cat "$work/demo.log"; fail "fraiseql demo did not listen within 120 s"; }
grep -q "/usr/share/fraiseql/examples/blog/schema.graphql" "$work/demo.log" ||
    fail "the installed demo does not serve /usr/share/fraiseql/examples/blog"
answer=$(curl -sS --max-time 10 "http://127.0.0.1:$demo_port/graphql" -H 'Content-Type: application/json' \
    -d '{"query":"{ users(limit: 1) { email } }"}')
[[ "$answer" == '{"data":{"users":[{"email":"'*'"}]}}' ]] || fail "demo answered: $answer"
kill -TERM "$demo_pid"
for _ in $(seq 1 300); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.1; done
status=0
wait "$demo_pid" || status=$?
demo_pid=""
((status == 0)) || { cat "$work/demo.log"; fail "fraiseql demo exited $status after SIGTERM"; }
"$src/tools/pg-test-cluster.sh" status "$work/demo" >/dev/null 2>&1 &&
    fail "the demo left its PostgreSQL running"
echo "  demo served and stopped its cluster"

step "find_package(fraiseql 1.9) from /usr"
mkdir -p "$work/probe"
cat >"$work/probe/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(probe LANGUAGES CXX)
find_package(fraiseql 1.9 REQUIRED)
if(NOT TARGET fraiseql::engine OR NOT fraiseql_DIR MATCHES "^/usr/lib/")
    message(FATAL_ERROR "fraiseql::engine not imported from /usr/lib (${fraiseql_DIR})")
endif()
CM
cmake -S "$work/probe" -B "$work/probe/b" -G Ninja >"$work/probe.log" 2>&1 ||
    { cat "$work/probe.log"; fail "find_package(fraiseql 1.9) against the installed libfraiseql-dev"; }

# ------------------------------------------------------------------ purge
step "apt-get purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q fraiseql libfraiseql-dev >"$work/purge.log" 2>&1 ||
    { tail -30 "$work/purge.log"; fail "apt-get purge"; }
for p in fraiseql libfraiseql-dev; do present "$p" && fail "$p is still known to dpkg after purge"; done
left=()
while read -r path; do
    [[ -e "$path" ]] && left+=("$path")
done < <(cat "$work/fraiseql.contents" "$work/libfraiseql-dev.contents" | awk '{print $6}' |
         sed 's|^\.||; s|/$||' | grep -E '^/(etc/fraiseql|usr/bin/fraiseql|usr/share/fraiseql|usr/share/doc/(lib)?fraiseql|usr/include/fraiseql|usr/share/man/man1/fraiseql|lib/systemd/system/fraiseql|usr/lib/.*fraiseql)')
((${#left[@]} == 0)) || fail "left behind after purge: ${left[*]}"
extra=$(find /var/lib/systemd /etc/systemd -name 'fraiseql*' 2>/dev/null || true)
[[ -z "$extra" ]] || fail "systemd state left behind after purge: $extra"
# Kept by policy: the system user (files elsewhere may belong to it); the trap removes it.
getent passwd fraiseql >/dev/null || fail "purge removed the fraiseql user (expected kept, see postrm)"
step "ok"
