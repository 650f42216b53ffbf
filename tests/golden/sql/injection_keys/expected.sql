-- jsonKeys
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) @> $1::jsonb LIMIT $2::int8) AS p;
-- anyKeys
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) ?| $1::text[] LIMIT $2::int8) AS p;
-- nested
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('address', jsonb_build_object('geo', jsonb_build_object('country', jsonb_build_object('code', $1::text)))) LIMIT $2::int8) AS p;
-- keyRule
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data" @> jsonb_build_object(E'it''s a \\ ünï key', $1::text) LIMIT $2::int8) AS p;
