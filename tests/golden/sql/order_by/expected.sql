-- scalars
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t ORDER BY (t."data"->>'count')::numeric DESC, t."data"->>'name' ASC, (t."data"->>'price')::numeric ASC NULLS FIRST, (t."data"->>'at')::timestamptz DESC NULLS LAST, (t."data"->>'day')::date ASC NULLS LAST, (t."data"->>'active')::boolean DESC NULLS FIRST, (t."data"->>'id')::uuid DESC LIMIT $1::int8) AS p;
-- typed
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t ORDER BY (t."data"->>'amount')::numeric ASC, (t."data"->>'big')::numeric DESC, (t."data"->>'clock')::time ASC, (t."data"->>'uid')::uuid ASC, t."data"->>'status' ASC, (t."data"->>'ip')::inet ASC, (t."data"->>'path')::ltree ASC, (t."data"->>'id')::uuid ASC LIMIT $1::int8) AS p;
-- nested
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t ORDER BY t."data"->'address'->>'city' ASC, (t."data"->'address'->'geo'->>'lat')::numeric DESC, t."data"->'address'->>'zip' ASC, (t."data"->>'id')::uuid ASC LIMIT $1::int8) AS p;
-- withId
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t ORDER BY (t."data"->>'id')::uuid DESC, t."data"->>'name' ASC LIMIT $1::int8) AS p;
-- columns
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "app"."tv_machine" AS t ORDER BY t."priority" DESC NULLS LAST, t."created_at" ASC, (t."data"->>'rating')::numeric DESC, t."id" DESC LIMIT $1::int8) AS p;
-- fk
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "app"."tv_machine" AS t ORDER BY t."model_id" ASC, t."data"->'model'->>'name' ASC, t."data"->'location'->'building'->>'name' DESC, t."id" DESC LIMIT $1::int8) AS p;
-- withWhere
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "app"."tv_machine" AS t WHERE t."status" = $1 ORDER BY t."name" ASC, t."id" ASC LIMIT $2::int8) AS p;
-- empty
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t LIMIT $1::int8) AS p;
