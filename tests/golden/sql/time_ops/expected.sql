-- eq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'clock')::time = $1::time LIMIT $2::int8;
-- neq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'clock')::time <> $1::time LIMIT $2::int8;
-- gt
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'clock')::time > $1::time LIMIT $2::int8;
-- gte
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'clock')::time >= $1::time LIMIT $2::int8;
-- lt
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'clock')::time < $1::time LIMIT $2::int8;
-- lte
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'clock')::time <= $1::time LIMIT $2::int8;
-- in
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'clock')::time = ANY($1::time[]) LIMIT $2::int8;
-- nin
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'clock')::time <> ALL($1::time[]) LIMIT $2::int8;
-- isnull
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'clock' IS NULL LIMIT $1::int8;
