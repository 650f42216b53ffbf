-- emptyWhere
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t LIMIT $1::int8) AS p;
-- andEmpty
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE TRUE LIMIT $1::int8) AS p;
-- orEmpty
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE FALSE LIMIT $1::int8) AS p;
-- andOne
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'count')::numeric > $1::numeric LIMIT $2::int8) AS p;
-- grouping1
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE ((t."data" @> jsonb_build_object('count', $1::numeric) AND t."data" @> jsonb_build_object('active', $2::boolean)) OR (t."data" @> jsonb_build_object('count', $3::numeric) AND t."data" @> jsonb_build_object('status', $4::text))) LIMIT $5::int8) AS p;
-- grouping2
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE ((t."data" @> jsonb_build_object('count', $1::numeric) OR t."data" @> jsonb_build_object('count', $2::numeric)) AND t."data" @> jsonb_build_object('active', $3::boolean)) LIMIT $4::int8) AS p;
-- not
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NOT COALESCE((t."data"->>'count')::numeric > $1::numeric, FALSE) LIMIT $2::int8) AS p;
-- doubleNot
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NOT COALESCE(NOT COALESCE(t."data"->>'name' LIKE $1, FALSE), FALSE) LIMIT $2::int8) AS p;
-- notEmpty
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE FALSE LIMIT $1::int8) AS p;
-- notOr
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NOT COALESCE((t."data"->>'count' IS NULL OR (t."data"->>'count')::numeric < $1::numeric), FALSE) LIMIT $2::int8) AS p;
-- fieldsAndLogic
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data" @> jsonb_build_object('name', $1::text) AND (t."data" @> jsonb_build_object('count', $2::numeric) OR t."data" @> jsonb_build_object('count', $3::numeric)) AND NOT COALESCE(t."data" @> jsonb_build_object('active', $4::boolean), FALSE)) LIMIT $5::int8) AS p;
-- impossible
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE ((t."data"->>'count')::numeric > $1::numeric AND (t."data"->>'count')::numeric < $2::numeric) LIMIT $3::int8) AS p;
-- deep
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NOT COALESCE((t."data" @> jsonb_build_object('name', $1::text) OR NOT COALESCE(t."data" @> jsonb_build_object('name', $2::text), FALSE)), FALSE) LIMIT $3::int8) AS p;
