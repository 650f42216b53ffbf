-- city
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('address', jsonb_build_object('city', $1::text)) LIMIT $2::int8;
-- deep
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->'address'->'geo'->'country'->>'code' = ANY($1::text[]) LIMIT $2::int8;
-- deepNumber
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->'address'->'geo'->>'lat')::numeric > $1::numeric LIMIT $2::int8;
-- nestedString
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE ((t."data"->'address'->>'city' ILIKE $1 AND t."data"->'address'->>'city' IS NOT NULL) AND t."data"->'address'->>'zip' LIKE $2) LIMIT $3::int8;
-- logicInside
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE ((t."data" @> jsonb_build_object('address', jsonb_build_object('city', $1::text)) OR t."data" @> jsonb_build_object('address', jsonb_build_object('geo', jsonb_build_object('country', jsonb_build_object('code', $2::text))))) AND NOT COALESCE(t."data" @> jsonb_build_object('address', jsonb_build_object('zip', $3::text)), FALSE)) LIMIT $4::int8;
-- empty
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t LIMIT $1::int8;
