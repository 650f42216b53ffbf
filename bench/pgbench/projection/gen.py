#!/usr/bin/env python3
"""Writes one pgbench script per (case, form) for docs/adr/0004-sql-side-projection.md.

The forms of the select list compared (ADR 0004, "Evaluating the document once"):
  whole   t."data"::text
  case    the per-row CASE naming t."data" five times (the form before this change)
  sub     the same CASE over x.d, x = (SELECT t."data" AS d OFFSET 0) as a scalar sub-select
  lateral the same CASE over x.d, x = CROSS JOIN LATERAL (SELECT t."data" AS d OFFSET 0)
  derived the same CASE over p.d, p = the read itself selecting t."data" AS d (a derived
          table with a LIMIT is never pulled up, so the document is built once per row)
Each case is a list read (SELECT ... LIMIT n) or a connection page (the statement shapes of
src/sql/compiler.cpp and src/sql/connection.cpp, without parameters).

usage: gen.py OUTDIR      then run.sh OUTDIR (or pgbench -f OUTDIR/<case>.<form>.sql ...)
"""
import os
import sys


def cond_and_built(d, keys, inline_max=2000):
    k = len(keys)
    min_bytes = max(k * 470 - 330, 0)
    size = f"pg_column_size({d})"
    fits = f"{size} >= {min_bytes}" if k <= 2 else f"{size} BETWEEN {min_bytes} AND {inline_max}"
    built = "jsonb_build_object(" + ", ".join(f"'{x}', {d}->'{x}'" for x in keys) + ")::text"
    return (f"CASE WHEN {fits} AND pg_typeof({d}) = 'jsonb'::regtype AND "
            f"jsonb_typeof({d}::jsonb) = 'object' THEN {built} ELSE {d}::text END")


def doc(form, keys):
    if form == "whole":
        return 't."data"::text', ""
    if form == "case":
        return cond_and_built('t."data"', keys), ""
    if form == "sub":
        return "(SELECT " + cond_and_built("x.d", keys) + ' FROM (SELECT t."data" AS d OFFSET 0) AS x)', ""
    if form == "lateral":
        return cond_and_built("x.d", keys), ' CROSS JOIN LATERAL (SELECT t."data" AS d OFFSET 0) AS x'
    raise ValueError(form)


def derived(rel, keys, path, limit, order):
    # What src/sql/compiler.cpp and src/sql/connection.cpp emit (ADR 0004).
    d = cond_and_built("p.d", keys)
    ob = f" ORDER BY {order}" if order else ""
    if path == "list":
        return f'SELECT {d} FROM (SELECT t."data" AS d FROM "{rel}" AS t{ob} LIMIT {limit}) AS p;'
    if path == "conn":
        return (f"SELECT NULL::int8, NULL::bool, {d}, p.k FROM (SELECT t.\"data\" AS d, "
                f"jsonb_build_array({order})::text AS k FROM \"{rel}\" AS t ORDER BY {order} "
                f"LIMIT {limit + 1}) AS p;")
    if path == "conn_total":
        return (f"SELECT h.c, h.o, {d}, p.k FROM (SELECT (SELECT count(*) FROM \"{rel}\" AS t) "
                f"AS c, NULL::bool AS o) AS h LEFT JOIN LATERAL (SELECT t.\"data\" AS d, "
                f"jsonb_build_array({order})::text AS k, row_number() OVER (ORDER BY {order}) AS n "
                f"FROM \"{rel}\" AS t ORDER BY {order} LIMIT {limit + 1}) AS p ON TRUE ORDER BY p.n;")
    raise ValueError(path)


def statement(form, rel, keys, path, limit, order):
    if form == "derived":
        return derived(rel, keys, path, limit, order)
    d, join = doc(form, keys)
    src = f'"{rel}" AS t{join}'
    if path == "list":
        ob = f" ORDER BY {order}" if order else ""
        return f"SELECT {d} FROM {src}{ob} LIMIT {limit};"
    if path == "conn":
        return (f"SELECT NULL::int8, NULL::bool, {d}, jsonb_build_array({order})::text FROM {src} "
                f"ORDER BY {order} LIMIT {limit + 1};")
    if path == "conn_total":
        return (f"SELECT h.c, h.o, p.d, p.k FROM (SELECT (SELECT count(*) FROM \"{rel}\" AS t) AS c, "
                f"NULL::bool AS o) AS h LEFT JOIN LATERAL (SELECT {d} AS d, jsonb_build_array({order})::text "
                f"AS k, row_number() OVER (ORDER BY {order}) AS n FROM {src} ORDER BY {order} "
                f"LIMIT {limit + 1}) AS p ON TRUE ORDER BY p.n;")
    raise ValueError(path)


# name: (relation, keys, path, limit, order)
CASES = {
    # blog example (examples/blog): views that build `data` with jsonb_build_object + sub-selects
    "vuser_list_1k": ("v_user", ["email"], "list", 1000, None),
    "vuser_list_1k_sorted": ("v_user", ["email"], "list", 100, 't."created_at", t."id"'),
    "vuser_conn_1k": ("v_user", ["email"], "conn", 1000, 't."id"'),
    "vuser_conn_total_100": ("v_user", ["email"], "conn_total", 100, 't."id"'),
    "vpost_list_3k_2": ("v_post", ["title", "views"], "list", 3000, None),
    # three keys on 270-900 B documents: no row is projected (only the CASE's cost is seen)
    "vuser_list_1k_3": ("v_user", ["id", "email", "first_name"], "list", 1000, None),
    # benchmark dataset (bench/dataset/generate.sql): tables with a stored `data` column
    "tvpost_list_4k_1": ("tv_post", ["title"], "list", 4000, None),
    "tvpost_list_4k_3": ("tv_post", ["id", "title", "views"], "list", 4000, None),
    "tvpost_conn_4k_3": ("tv_post", ["id", "title", "views"], "conn", 4000, 't."id"'),
    "tvuser_list_1k_1": ("tv_user", ["email"], "list", 1000, None),
    # 195 B documents, three keys: no row is projected (the CASE's own cost against whole)
    "tvuser_list_1k_3": ("tv_user", ["id", "email", "first_name"], "list", 1000, None),
    "tvuser_conn_1k_3": ("tv_user", ["id", "email", "first_name"], "conn", 1000, 't."id"'),
}

if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (rel, keys, path, limit, order) in CASES.items():
        for form in ("whole", "case", "sub", "lateral", "derived"):
            with open(os.path.join(out, f"{name}.{form}.sql"), "w") as f:
                f.write(statement(form, rel, keys, path, limit, order) + "\n")
