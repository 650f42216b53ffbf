-- eq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'period')::daterange = $1::daterange LIMIT $2::int8) AS p;
-- neq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'period')::daterange <> $1::daterange LIMIT $2::int8) AS p;
-- isnull
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data"->>'period' IS NULL LIMIT $1::int8) AS p;
-- containsDate
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'period')::daterange @> $1::date LIMIT $2::int8) AS p;
-- overlaps
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'period')::daterange && $1::daterange LIMIT $2::int8) AS p;
-- adjacent
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'period')::daterange -|- $1::daterange LIMIT $2::int8) AS p;
-- strictlyLeft
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'period')::daterange << $1::daterange LIMIT $2::int8) AS p;
-- strictlyRight
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'period')::daterange >> $1::daterange LIMIT $2::int8) AS p;
-- notLeft
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'period')::daterange &> $1::daterange LIMIT $2::int8) AS p;
-- notRight
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'period')::daterange &< $1::daterange LIMIT $2::int8) AS p;
