-- eq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree = $1::ltree LIMIT $2::int8;
-- neq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <> $1::ltree LIMIT $2::int8;
-- gt
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree > $1::ltree LIMIT $2::int8;
-- gte
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree >= $1::ltree LIMIT $2::int8;
-- lt
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree < $1::ltree LIMIT $2::int8;
-- lte
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <= $1::ltree LIMIT $2::int8;
-- in
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree = ANY($1::ltree[]) LIMIT $2::int8;
-- nin
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <> ALL($1::ltree[]) LIMIT $2::int8;
-- isnull
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'path' IS NULL LIMIT $1::int8;
-- ancestorOf
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree @> $1::ltree LIMIT $2::int8;
-- descendantOf
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <@ $1::ltree LIMIT $2::int8;
-- matchesLquery
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree ~ $1::lquery LIMIT $2::int8;
-- matchesLtxtquery
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'path')::ltree @ $1::ltxtquery LIMIT $2::int8;
-- nlevelEq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) = $1::int4 LIMIT $2::int8;
-- nlevelGt
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) > $1::int4 LIMIT $2::int8;
-- nlevelGte
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) >= $1::int4 LIMIT $2::int8;
-- nlevelLt
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) < $1::int4 LIMIT $2::int8;
-- nlevelLte
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) <= $1::int4 LIMIT $2::int8;
-- column
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE (t."path"::ltree <@ $1::ltree AND nlevel(t."path"::ltree) = $2::int4) LIMIT $3::int8;
