#!/usr/bin/env bash
# package.cmake_embed: the CMake package, as a program that embeds FraiseQL sees it.
#   embed_test.sh SOURCE_DIR BUILD_DIR      (FRAISEQL_TEST_CLUSTER_DIR: the test cluster)
# 1. cmake --install --strip (components server and dev) into BUILD_DIR/package-test/stage;
# 2. find_package(fraiseql VERSION) from a scratch project: 1.9 and 1.9.0 found, 1.8 and 1.10
#    refused (SameMinorVersion, docs/adr/0005-library-api-and-abi.md);
# 3. examples/embed configured with CMAKE_PREFIX_PATH=stage only, built, and run against the
#    installed blog example on both backends: it must print two users.
set -euo pipefail
src=${1:?source dir}
build=${2:?build dir}
work=$build/package-test/embed
stage=$work/stage
rm -rf "$work"
mkdir -p "$work"
fail() { echo "embed_test: FAIL: $*" >&2; exit 1; }
step() { echo "embed_test: $*"; }
t0=$SECONDS

step "install (server, dev) into $stage"
for c in server dev; do
    cmake --install "$build" --prefix "$stage" --component "$c" --strip >"$work/install-$c.log" \
        || { cat "$work/install-$c.log"; fail "cmake --install --component $c"; }
done
cfg=$(find "$stage" -name fraiseqlConfig.cmake)
[[ -n "$cfg" ]] || fail "no fraiseqlConfig.cmake under $stage"
[[ -f "$stage/include/fraiseql/exec/engine.hpp" ]] || fail "public header exec/engine.hpp not installed"
# Private headers (src/**) stay private.
if find "$stage/include" -name '*.hpp' | grep -q -e projecting_sink -e request_parsing -e graphiql; then
    fail "a private header was installed"
fi
[[ ! -e "$stage/etc" ]] || fail "cmake --install --prefix wrote outside the prefix (etc/)"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

step "version policy (SameMinorVersion)"
mkdir -p "$work/version"
cat >"$work/version/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(version_probe LANGUAGES CXX)
find_package(fraiseql ${WANT} QUIET)
if(NOT fraiseql_FOUND)
    message(FATAL_ERROR "fraiseql ${WANT}: not found")
endif()
foreach(t engine http sql graphql pg)
    if(NOT TARGET fraiseql::${t})
        message(FATAL_ERROR "no imported target fraiseql::${t}")
    endif()
endforeach()
CM
probe() {
    rm -rf "$work/version/b"
    cmake -S "$work/version" -B "$work/version/b" -G Ninja -DWANT="$1" \
        -DCMAKE_PREFIX_PATH="$stage" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/version/$1.log" 2>&1
}
for v in 1.9 1.9.0; do probe "$v" || { cat "$work/version/$v.log"; fail "find_package(fraiseql $v) failed"; }; done
for v in 1.8 1.10 2.0; do
    probe "$v" && fail "find_package(fraiseql $v) accepted version 1.9"
    grep -q "fraiseql $v: not found" "$work/version/$v.log" || { cat "$work/version/$v.log"; fail "probe $v failed for another reason"; }
done

step "configure and build examples/embed against the staged package"
cmake -S "$src/examples/embed" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$stage" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "${launcher[@]}" \
    >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
grep -q "$stage" "$work/build/CMakeCache.txt" || fail "fraiseql_DIR is not the staged package"
cmake --build "$work/build" -j 2 >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; fail "build"; }
# The program must come from the staged headers, not the source tree.
if grep -q -- "-I$src/include" "$work/build/build.ninja"; then fail "the example saw the source tree's include/"; fi

env_file=${FRAISEQL_TEST_CLUSTER_DIR:?}/env
port=$(sed -n 's/^FRAISEQL_TEST_PORT=//p' "$env_file")
url="postgres://postgres@127.0.0.1:$port/fraiseql_e2e"
schema="$stage/share/fraiseql/examples/blog/schema.graphql"
[[ -f "$schema" ]] || fail "the blog example is not installed under share/fraiseql"
for backend in native libpq; do
    step "run ($backend)"
    out=$(FRAISEQL_BACKEND=$backend "$work/build/fraiseql_embed" "$schema" "$url" \
        'query($n: Int) { users(limit: $n, orderBy: [{email: ASC}]) { email } }' '{"n": 2}') \
        || fail "fraiseql_embed ($backend) exited $?: $out"
    echo "  $out"
    n=$(grep -o '"email":"[^"]*@' <<<"$out" | wc -l)
    [[ "$n" == 2 ]] || fail "expected 2 users from $backend, got $n: $out"
done
step "ok in $((SECONDS - t0)) s"
