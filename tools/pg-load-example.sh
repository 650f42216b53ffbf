#!/usr/bin/env bash
# Creates database DB (dropping an old one) in the private cluster of DIR and
# loads an example into it: schema.sql then seed.sql.
#
#   tools/pg-load-example.sh DIR DB [EXAMPLE]     EXAMPLE defaults to examples/blog
set -euo pipefail
dir=${1:?usage: pg-load-example.sh DIR DB [EXAMPLE]}
db=${2:?usage: pg-load-example.sh DIR DB [EXAMPLE]}
here=$(cd "$(dirname "$0")/.." && pwd)
example=${3:-$here/examples/blog}
[ -f "$dir/env" ] || { echo "pg-load-example.sh: no cluster env in $dir" >&2; exit 1; }
# shellcheck disable=SC1091
. "$dir/env"
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS
psql=("$FRAISEQL_TEST_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$FRAISEQL_TEST_PORT" -U postgres)
"${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "CREATE DATABASE \"$db\""
"${psql[@]}" -d "$db" -1 -f "$example/schema.sql" -f "$example/seed.sql" >/dev/null
echo "pg-load-example.sh: loaded $(basename "$example") into $db"
