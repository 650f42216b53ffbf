-- city
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('address', jsonb_build_object('city', $1::text)) LIMIT $2::int8) AS p;
-- deep
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data"->'address'->'geo'->'country'->>'code' = ANY($1::text[]) LIMIT $2::int8) AS p;
-- deepNumber
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->'address'->'geo'->>'lat')::numeric > $1::numeric LIMIT $2::int8) AS p;
-- nestedString
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE ((t."data"->'address'->>'city' ILIKE $1 AND t."data"->'address'->>'city' IS NOT NULL) AND t."data"->'address'->>'zip' LIKE $2) LIMIT $3::int8) AS p;
-- logicInside
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE ((t."data" @> jsonb_build_object('address', jsonb_build_object('city', $1::text)) OR t."data" @> jsonb_build_object('address', jsonb_build_object('geo', jsonb_build_object('country', jsonb_build_object('code', $2::text))))) AND NOT COALESCE(t."data" @> jsonb_build_object('address', jsonb_build_object('zip', $3::text)), FALSE)) LIMIT $4::int8) AS p;
-- empty
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t LIMIT $1::int8) AS p;
