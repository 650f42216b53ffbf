-- eq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz = $1::timestamptz LIMIT $2::int8) AS p;
-- neq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz <> $1::timestamptz LIMIT $2::int8) AS p;
-- gt
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz > $1::timestamptz LIMIT $2::int8) AS p;
-- gte
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz >= $1::timestamptz LIMIT $2::int8) AS p;
-- lt
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz < $1::timestamptz LIMIT $2::int8) AS p;
-- lte
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz <= $1::timestamptz LIMIT $2::int8) AS p;
-- in
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz = ANY($1::timestamptz[]) LIMIT $2::int8) AS p;
-- nin
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz <> ALL($1::timestamptz[]) LIMIT $2::int8) AS p;
-- isnull
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data"->>'at' IS NOT NULL LIMIT $1::int8) AS p;
