-- eq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'tags', 'null'::jsonb) = to_jsonb($1::text[]) LIMIT $2::int8) AS p;
-- neq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'tags', 'null'::jsonb) <> to_jsonb($1::text[]) LIMIT $2::int8) AS p;
-- isnull
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data"->>'tags' IS NULL LIMIT $1::int8) AS p;
-- contains
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'tags', 'null'::jsonb) @> to_jsonb($1::text[]) LIMIT $2::int8) AS p;
-- containedBy
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'tags', 'null'::jsonb) <@ to_jsonb($1::text[]) LIMIT $2::int8) AS p;
-- strictlyContains
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (NULLIF(t."data"->'tags', 'null'::jsonb) @> to_jsonb($1::text[]) AND NOT NULLIF(t."data"->'tags', 'null'::jsonb) <@ to_jsonb($1::text[])) LIMIT $2::int8) AS p;
-- overlaps
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(to_jsonb($1::text[])) AS x(v) WHERE NULLIF(t."data"->'tags', 'null'::jsonb) @> jsonb_build_array(x.v)) LIMIT $2::int8) AS p;
-- lenEq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'tags') = 'array' THEN t."data"->'tags' END) = $1::int4 LIMIT $2::int8) AS p;
-- lenNeq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'tags') = 'array' THEN t."data"->'tags' END) <> $1::int4 LIMIT $2::int8) AS p;
-- lenGt
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'tags') = 'array' THEN t."data"->'tags' END) > $1::int4 LIMIT $2::int8) AS p;
-- lenGte
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'tags') = 'array' THEN t."data"->'tags' END) >= $1::int4 LIMIT $2::int8) AS p;
-- lenLt
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'tags') = 'array' THEN t."data"->'tags' END) < $1::int4 LIMIT $2::int8) AS p;
-- lenLte
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'tags') = 'array' THEN t."data"->'tags' END) <= $1::int4 LIMIT $2::int8) AS p;
-- anyEq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'tags', 'null'::jsonb) @> jsonb_build_array(to_jsonb($1::text)) LIMIT $2::int8) AS p;
-- allEq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (jsonb_typeof(NULLIF(t."data"->'tags', 'null'::jsonb)) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(NULLIF(t."data"->'tags', 'null'::jsonb)) AS e(v) WHERE e.v <> to_jsonb($1::text))) LIMIT $2::int8) AS p;
