#!/usr/bin/env bash
# Runs every form of one case interleaved in one pgbench run (so the shared machine's noise
# hits them alike) and prints each form's queries per second and its speed ratio to `whole`.
#   run.sh DIR CASE DATABASE_URL [SECONDS]     (DIR written by gen.py)
set -euo pipefail
dir=$1 case=$2 url=$3 secs=${4:-20}
forms=(${FORMS:-whole case sub lateral})
args=()
for f in "${forms[@]}"; do args+=(-f "$dir/$case.$f.sql"); done
out=$(pgbench -n -M prepared -c 1 -T "$secs" "${args[@]}" "$url" 2>&1)
# Per script: "SQL script N: FILE" ... " - latency average = L ms". (Its "tps" is only how often
# the script was drawn, so the speed of a form is 1000 / its mean latency.)
echo "$out" | awk -v c="$case" '
    /^SQL script [0-9]+:/ { n = split($4, p, "."); form = p[n-1] }
    /latency average/ && form != "" { lat[form] = $5; order[++k] = form; form = "" }
    END { line = c; for (i = 1; i <= k; i++) { f = order[i];
              line = line sprintf("  %s %.2f q/s (%.2fx)", f, 1000 / lat[f], lat["whole"] / lat[f]) }
          print line }'
