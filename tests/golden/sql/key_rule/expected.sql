-- digits
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('address_line1', $1::text) LIMIT $2::int8) AS p;
-- key
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data"->>'line_2' LIKE $1 LIMIT $2::int8) AS p;
-- odd
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data" @> jsonb_build_object(E'it''s a \\ ünï key', $1::text) AND NOT COALESCE(t."data"->>E'it''s a \\ ünï key' IS NULL, FALSE)) LIMIT $2::int8) AS p;
-- orderOdd
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t ORDER BY t."data"->>E'it''s a \\ ünï key' ASC, t."data"->>'address_line1' DESC, (t."data"->>'id')::uuid DESC LIMIT $1::int8) AS p;
