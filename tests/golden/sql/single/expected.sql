-- item
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'id')::uuid = $1::uuid LIMIT 1;
-- machine
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."id" = $1 LIMIT 1;
