-- eq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree = $1::ltree LIMIT $2::int8) AS p;
-- neq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <> $1::ltree LIMIT $2::int8) AS p;
-- gt
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree > $1::ltree LIMIT $2::int8) AS p;
-- gte
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree >= $1::ltree LIMIT $2::int8) AS p;
-- lt
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree < $1::ltree LIMIT $2::int8) AS p;
-- lte
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <= $1::ltree LIMIT $2::int8) AS p;
-- in
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree = ANY($1::ltree[]) LIMIT $2::int8) AS p;
-- nin
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <> ALL($1::ltree[]) LIMIT $2::int8) AS p;
-- isnull
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data"->>'path' IS NULL LIMIT $1::int8) AS p;
-- ancestorOf
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree @> $1::ltree LIMIT $2::int8) AS p;
-- descendantOf
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <@ $1::ltree LIMIT $2::int8) AS p;
-- matchesLquery
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree ~ $1::lquery LIMIT $2::int8) AS p;
-- matchesLtxtquery
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'path')::ltree @ $1::ltxtquery LIMIT $2::int8) AS p;
-- nlevelEq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) = $1::int4 LIMIT $2::int8) AS p;
-- nlevelGt
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) > $1::int4 LIMIT $2::int8) AS p;
-- nlevelGte
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) >= $1::int4 LIMIT $2::int8) AS p;
-- nlevelLt
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) < $1::int4 LIMIT $2::int8) AS p;
-- nlevelLte
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) <= $1::int4 LIMIT $2::int8) AS p;
-- column
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "app"."tv_machine" AS t WHERE (t."path"::ltree <@ $1::ltree AND nlevel(t."path"::ltree) = $2::int4) LIMIT $3::int8) AS p;
