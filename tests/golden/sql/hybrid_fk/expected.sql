-- modelEq
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."model_id" = $1 LIMIT $2::int8;
-- twoFk
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."model_id" = $1 AND t."location_id" = ANY($2)) LIMIT $3::int8;
-- fkIsNull
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."model_id" IS NULL LIMIT $1::int8;
-- fkIsNotNull
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."location_id" IS NOT NULL LIMIT $1::int8;
-- fkAndOtherKey
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."model_id" = $1 AND t."data"->'model'->>'name' LIKE $2) LIMIT $3::int8;
-- fkAndColumn
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."location_id" <> $1 AND t."status" = $2) LIMIT $3::int8;
-- deepNotFk
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."data"->'location'->'building'->>'id')::uuid = $1::uuid LIMIT $2::int8;
-- noColumn
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE ((t."data"->'owner'->>'id')::uuid = $1::uuid AND t."data"->'owner'->>'email' LIKE $2) LIMIT $3::int8;
