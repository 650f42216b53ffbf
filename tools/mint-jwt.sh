#!/usr/bin/env bash
# Mints an HS256 JSON Web Token (RFC 7519) with openssl, for trying FraiseQL locally
# (`make demo`, README "Multi-tenancy", docs/security.md). Tokens for real users come from
# your identity provider, not from this script.
#
#   FRAISEQL_JWT_SECRET=... tools/mint-jwt.sh [CLAIMS_JSON] [TTL_SECONDS]
#
# CLAIMS_JSON defaults to {"sub":"demo-user"}; an "exp" claim TTL_SECONDS (default 3600)
# from now is added unless CLAIMS_JSON has one. The secret is used as raw bytes, like the
# server does with jwt_secret; it must be at least 32 bytes (RFC 7518 §3.2).
#
#   export FRAISEQL_JWT_SECRET=$(openssl rand -base64 48)
#   tools/mint-jwt.sh '{"sub":"u1","tenant_id":"acme","roles":["admin"]}'
set -euo pipefail

secret=${FRAISEQL_JWT_SECRET:-}
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
if ((${#secret} < 32)); then
    echo "mint-jwt.sh: set FRAISEQL_JWT_SECRET to the server's jwt_secret (at least 32 bytes)" >&2
    exit 2
fi
claims=${1:-'{"sub":"demo-user"}'}
ttl=${2:-3600}
[[ "$ttl" =~ ^[0-9]+$ ]] || { echo "mint-jwt.sh: TTL_SECONDS must be a number" >&2; exit 2; }
if ! grep -q '"exp"' <<<"$claims"; then
    body=${claims%\}*}                        # everything before the closing brace
    [[ "$body" =~ \{[[:space:]]*$ ]] || body+=","
    claims="$body\"exp\":$(($(date +%s) + ttl))}"
fi

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '%s' "$claims" | b64url)
signature=$(printf '%s' "$header.$payload" |
    openssl dgst -sha256 -mac HMAC -macopt "key:$secret" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
