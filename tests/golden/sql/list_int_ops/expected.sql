-- eq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) = to_jsonb($1::numeric[]) LIMIT $2::int8;
-- neq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) <> to_jsonb($1::numeric[]) LIMIT $2::int8;
-- isnull
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'scores' IS NULL LIMIT $1::int8;
-- contains
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) @> to_jsonb($1::numeric[]) LIMIT $2::int8;
-- containedBy
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) <@ to_jsonb($1::numeric[]) LIMIT $2::int8;
-- strictlyContains
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (NULLIF(t."data"->'scores', 'null'::jsonb) @> to_jsonb($1::numeric[]) AND NOT NULLIF(t."data"->'scores', 'null'::jsonb) <@ to_jsonb($1::numeric[])) LIMIT $2::int8;
-- overlaps
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(to_jsonb($1::numeric[])) AS x(v) WHERE NULLIF(t."data"->'scores', 'null'::jsonb) @> jsonb_build_array(x.v)) LIMIT $2::int8;
-- lenEq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'scores') = 'array' THEN t."data"->'scores' END) = $1::int4 LIMIT $2::int8;
-- lenNeq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'scores') = 'array' THEN t."data"->'scores' END) <> $1::int4 LIMIT $2::int8;
-- lenGt
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'scores') = 'array' THEN t."data"->'scores' END) > $1::int4 LIMIT $2::int8;
-- lenGte
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'scores') = 'array' THEN t."data"->'scores' END) >= $1::int4 LIMIT $2::int8;
-- lenLt
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'scores') = 'array' THEN t."data"->'scores' END) < $1::int4 LIMIT $2::int8;
-- lenLte
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE jsonb_array_length(CASE WHEN jsonb_typeof(t."data"->'scores') = 'array' THEN t."data"->'scores' END) <= $1::int4 LIMIT $2::int8;
-- anyEq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) @> jsonb_build_array(to_jsonb($1::numeric)) LIMIT $2::int8;
-- allEq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (jsonb_typeof(NULLIF(t."data"->'scores', 'null'::jsonb)) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(NULLIF(t."data"->'scores', 'null'::jsonb)) AS e(v) WHERE e.v <> to_jsonb($1::numeric))) LIMIT $2::int8;
