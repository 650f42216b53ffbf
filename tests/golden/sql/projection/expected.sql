-- one
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t LIMIT $1::int8;
-- aliases
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('name', t."data"->'name')::text ELSE t."data"::text END FROM "v_item" AS t LIMIT $1::int8;
-- nested
SELECT CASE WHEN pg_column_size(t."data") >= 610 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('address', t."data"->'address', 'line_2', t."data"->'line_2')::text ELSE t."data"::text END FROM "v_item" AS t LIMIT $1::int8;
-- three
SELECT CASE WHEN pg_column_size(t."data") BETWEEN 1080 AND 2000 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id', 'name', t."data"->'name', E'it''s a \\ ünï key', t."data"->E'it''s a \\ ünï key')::text ELSE t."data"::text END FROM "v_item" AS t LIMIT $1::int8;
-- four
SELECT CASE WHEN pg_column_size(t."data") BETWEEN 1550 AND 2000 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id', 'name', t."data"->'name', 'code', t."data"->'code', 'count', t."data"->'count')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'id')::uuid = $1::uuid LIMIT 1;
-- five
SELECT t."data"::text FROM "v_item" AS t LIMIT $1::int8;
-- typename
SELECT CASE WHEN pg_column_size(t."data") >= 0 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object()::text ELSE t."data"::text END FROM "v_item" AS t LIMIT $1::int8;
-- hybrid
SELECT CASE WHEN pg_column_size(t."data") BETWEEN 1080 AND 2000 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id', 'status', t."data"->'status', 'model', t."data"->'model')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE t."status" = $1 LIMIT $2::int8;
-- plain
SELECT row_to_json(t)::text FROM "plain_rel" AS t LIMIT $1::int8;
