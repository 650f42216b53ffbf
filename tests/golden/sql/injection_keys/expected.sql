-- jsonKeys
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) @> $1::jsonb LIMIT $2::int8;
-- anyKeys
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) ?| $1::text[] LIMIT $2::int8;
-- nested
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('address', jsonb_build_object('geo', jsonb_build_object('country', jsonb_build_object('code', $1::text)))) LIMIT $2::int8;
-- keyRule
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data" @> jsonb_build_object(E'it''s a \\ ünï key', $1::text) LIMIT $2::int8;
