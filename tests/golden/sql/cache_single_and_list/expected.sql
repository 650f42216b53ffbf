-- one
SELECT CASE WHEN pg_column_size(p.d) BETWEEN 1080 AND 2000 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id', 'name', p.d->'name', 'model', p.d->'model')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "app"."tv_machine" AS t WHERE t."id" = $1 LIMIT 1) AS p;
-- some
SELECT CASE WHEN pg_column_size(p.d) >= 610 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id', 'status', p.d->'status')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "app"."tv_machine" AS t WHERE t."name" = $1 LIMIT $2::int8) AS p;
