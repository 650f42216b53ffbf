-- items
SELECT CASE WHEN pg_column_size(p.d) >= 610 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id', 'name', p.d->'name')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE ((t."data"->>'uid')::uuid = $1::uuid AND (t."data"->>'count')::numeric >= $2::numeric) ORDER BY (t."data"->>'at')::timestamptz DESC, (t."data"->>'id')::uuid DESC LIMIT $3::int8) AS p;
-- item
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'id')::uuid = $1::uuid LIMIT 1) AS p;
-- machines
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "app"."tv_machine" AS t WHERE (t."name" = $1 OR t."priority" < $2) LIMIT $3::int8) AS p;
