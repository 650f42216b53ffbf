-- one
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t LIMIT $1::int8) AS p;
-- aliases
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('name', p.d->'name')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t LIMIT $1::int8) AS p;
-- nested
SELECT CASE WHEN pg_column_size(p.d) >= 610 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('address', p.d->'address', 'line_2', p.d->'line_2')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t LIMIT $1::int8) AS p;
-- three
SELECT CASE WHEN pg_column_size(p.d) BETWEEN 1080 AND 2000 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id', 'name', p.d->'name', E'it''s a \\ ünï key', p.d->E'it''s a \\ ünï key')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t LIMIT $1::int8) AS p;
-- four
SELECT CASE WHEN pg_column_size(p.d) BETWEEN 1550 AND 2000 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id', 'name', p.d->'name', 'code', p.d->'code', 'count', p.d->'count')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'id')::uuid = $1::uuid LIMIT 1) AS p;
-- five
SELECT t."data"::text FROM "v_item" AS t LIMIT $1::int8;
-- typename
SELECT CASE WHEN pg_column_size(p.d) >= 0 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object()::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t LIMIT $1::int8) AS p;
-- hybrid
SELECT CASE WHEN pg_column_size(p.d) BETWEEN 1080 AND 2000 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id', 'status', p.d->'status', 'model', p.d->'model')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "app"."tv_machine" AS t WHERE t."status" = $1 LIMIT $2::int8) AS p;
-- plain
SELECT row_to_json(t)::text FROM "plain_rel" AS t LIMIT $1::int8;
