-- eq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'code' = $1 LIMIT $2::int8;
-- eqint
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'code' = $1 LIMIT $2::int8;
-- neq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'code' <> $1 LIMIT $2::int8;
-- in
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'code' = ANY($1::text[]) LIMIT $2::int8;
-- nin
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'code' <> ALL($1::text[]) LIMIT $2::int8;
-- isnull
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'code' IS NULL LIMIT $1::int8;
-- contains
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'code' LIKE $1 LIMIT $2::int8;
-- startswith
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'code' LIKE $1 LIMIT $2::int8;
