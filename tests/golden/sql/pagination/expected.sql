-- default
SELECT t."data"::text FROM "v_item" AS t LIMIT $1::int8;
-- limit
SELECT t."data"::text FROM "v_item" AS t LIMIT $1::int8;
-- zero
SELECT t."data"::text FROM "v_item" AS t LIMIT $1::int8;
-- capped
SELECT t."data"::text FROM "v_item" AS t LIMIT $1::int8;
-- offset
SELECT t."data"::text FROM "v_item" AS t LIMIT $1::int8 OFFSET $2::int8;
-- both
SELECT t."data"::text FROM "v_item" AS t LIMIT $1::int8 OFFSET $2::int8;
