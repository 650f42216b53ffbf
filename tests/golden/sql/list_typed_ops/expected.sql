-- intContains
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) @> to_jsonb($1::numeric[]) LIMIT $2::int8) AS p;
-- intAnyEq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) @> jsonb_build_array(to_jsonb($1::numeric)) LIMIT $2::int8) AS p;
-- intAllEq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (jsonb_typeof(NULLIF(t."data"->'scores', 'null'::jsonb)) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(NULLIF(t."data"->'scores', 'null'::jsonb)) AS e(v) WHERE e.v <> to_jsonb($1::numeric))) LIMIT $2::int8) AS p;
-- intOverlaps
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(to_jsonb($1::numeric[])) AS x(v) WHERE NULLIF(t."data"->'scores', 'null'::jsonb) @> jsonb_build_array(x.v)) LIMIT $2::int8) AS p;
-- intEq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) = to_jsonb($1::numeric[]) LIMIT $2::int8) AS p;
-- decimalContains
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'prices', 'null'::jsonb) @> to_jsonb($1::numeric[]) LIMIT $2::int8) AS p;
-- decimalAnyEq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'prices', 'null'::jsonb) @> jsonb_build_array(to_jsonb($1::numeric)) LIMIT $2::int8) AS p;
-- boolContains
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'flags', 'null'::jsonb) @> to_jsonb($1::boolean[]) LIMIT $2::int8) AS p;
-- boolAllEq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (jsonb_typeof(NULLIF(t."data"->'flags', 'null'::jsonb)) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(NULLIF(t."data"->'flags', 'null'::jsonb)) AS e(v) WHERE e.v <> to_jsonb($1::boolean))) LIMIT $2::int8) AS p;
-- enumContains
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'statuses', 'null'::jsonb) @> to_jsonb($1::text[]) LIMIT $2::int8) AS p;
-- enumOverlaps
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(to_jsonb($1::text[])) AS x(v) WHERE NULLIF(t."data"->'statuses', 'null'::jsonb) @> jsonb_build_array(x.v)) LIMIT $2::int8) AS p;
