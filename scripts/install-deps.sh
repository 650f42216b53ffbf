#!/usr/bin/env bash
# Installs the Debian 12 (bookworm) packages FraiseQL needs to build, test and run the demo.
#
# Idempotent and quiet: a package that is already installed is left alone, `apt-get update`
# runs only when something must be installed, and the script prints only what it installs.
# Runs as root (CI) or through sudo. Exits non-zero when an install fails.
#
#   scripts/install-deps.sh            install what is missing
#   scripts/install-deps.sh --check    list what is missing, install nothing (exit 1 if any)
#   FRAISEQL_SKIP_DEPS=1               do nothing (machines managed another way)
#
# Notes on names (checked with `apt-cache policy` on Debian 12):
# - there is no postgresql-contrib-15: on bookworm the contrib modules (ltree, pgcrypto, ...)
#   ship inside postgresql-15 itself.
# - installing postgresql-15 may create and start Debian's own "main" cluster on port 5432;
#   FraiseQL never uses it (tests and the demo run private clusters, tools/pg-test-cluster.sh).
# - nodejs from another repository (e.g. NodeSource) bundles npm and conflicts with Debian's
#   npm package, so npm counts as present when an `npm` command exists.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config git
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
    libssl-dev libpq-dev postgresql-15 libicu-dev
    libsimdjson-dev libgtest-dev libgmock-dev libbenchmark-dev
    libcli11-dev libspdlog-dev libfmt-dev libtoml11-dev
    wrk acl curl ca-certificates nodejs npm openssl clang-format
    # Replication topology tests (tools/pg-test-topology.sh): the transaction-mode pooler.
    pgbouncer
    gnuplot-nox python3 procps
    # `pip install ./python` offline (tests/python: python.pip_install).
    python3-pip python3-setuptools python3-wheel
    # Packaging and installation tests (tests/package): the man page, the .deb's Depends
    # (dpkg-shlibdeps), lintian, `man`, `systemd-analyze verify`, the headless-browser test.
    help2man dpkg-dev lintian man-db systemd chromium adduser
)

# Packages that are also satisfied by a command on PATH (see the note on npm above).
declare -A satisfied_by_command=([npm]=npm)

log() { printf 'install-deps: %s\n' "$*" >&2; }

check_only=0
case "${1:-}" in
    "") ;;
    --check) check_only=1 ;;
    -h | --help)
        sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        log "unknown argument: $1 (use --check or no argument)"
        exit 2
        ;;
esac

if [[ "${FRAISEQL_SKIP_DEPS:-0}" == 1 ]]; then
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    log "this is not a Debian system (no dpkg-query/apt-get); install these by hand:"
    log "  ${packages[*]}"
    log "then run with FRAISEQL_SKIP_DEPS=1"
    exit 1
fi

is_installed() {
    local pkg=$1 status
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" == "install ok installed" ]]; then
        return 0
    fi
    local cmd=${satisfied_by_command[$pkg]:-}
    [[ -n "$cmd" ]] && command -v "$cmd" >/dev/null 2>&1
}

missing=()
for pkg in "${packages[@]}"; do
    if ! is_installed "$pkg"; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

if ((check_only)); then
    log "missing: ${missing[*]}"
    exit 1
fi

as_root=()
if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
        log "need root to install: ${missing[*]} (sudo is not available)"
        exit 1
    fi
    as_root=(sudo --)
fi

log "installing: ${missing[*]}"
apt_log=$(mktemp)
trap 'rm -f "$apt_log"' EXIT

run_apt() {
    if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive "$@" >"$apt_log" 2>&1; then
        log "failed: $*"
        tail -n 30 "$apt_log" >&2
        exit 1
    fi
}

run_apt apt-get update -q
run_apt apt-get install -y -q --no-install-recommends "${missing[@]}"

# Re-check: apt-get can exit 0 while a package stays half-configured.
still_missing=()
for pkg in "${missing[@]}"; do
    if ! is_installed "$pkg"; then
        still_missing+=("$pkg")
    fi
done
if ((${#still_missing[@]} != 0)); then
    log "still not installed after apt-get: ${still_missing[*]}"
    exit 1
fi
log "done"
