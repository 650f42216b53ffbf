-- columns
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."name" = $1 AND t."status" = $2 AND t."priority" >= $3 AND t."serial_number"::text LIKE $4 AND t."created_at" > $5) LIMIT $6::int8;
-- documentOnly
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."data"->>'notes' ILIKE $1 AND (t."data"->>'rating')::numeric > $2::numeric) LIMIT $3::int8;
-- mixed
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE ((t."priority" = ANY($1) OR t."data"->>'notes' IS NULL) AND t."id" <> $2) LIMIT $3::int8;
-- nameIn
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."name" = ANY($1) AND t."priority" <> ALL($2)) LIMIT $3::int8;
-- isnull
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."priority" IS NULL AND t."created_at" IS NOT NULL) LIMIT $1::int8;
