-- items
SELECT CASE WHEN pg_column_size(p.d) >= 610 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id', 'name', p.d->'name')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t ORDER BY t."data"->>'name' DESC, (t."data"->>'id')::uuid DESC LIMIT $1::int8) AS p;
