-- modelEq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE t."model_id" = $1 LIMIT $2::int8;
-- twoFk
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE (t."model_id" = $1 AND t."location_id" = ANY($2)) LIMIT $3::int8;
-- fkIsNull
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE t."model_id" IS NULL LIMIT $1::int8;
-- fkIsNotNull
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE t."location_id" IS NOT NULL LIMIT $1::int8;
-- fkAndOtherKey
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE (t."model_id" = $1 AND t."data"->'model'->>'name' LIKE $2) LIMIT $3::int8;
-- fkAndColumn
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE (t."location_id" <> $1 AND t."status" = $2) LIMIT $3::int8;
-- deepNotFk
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE (t."data"->'location'->'building'->>'id')::uuid = $1::uuid LIMIT $2::int8;
-- noColumn
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE ((t."data"->'owner'->>'id')::uuid = $1::uuid AND t."data"->'owner'->>'email' LIKE $2) LIMIT $3::int8;
