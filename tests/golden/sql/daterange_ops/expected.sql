-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'period')::daterange = $1::daterange LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'period')::daterange <> $1::daterange LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'period' IS NULL LIMIT $1::int8;
-- containsDate
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'period')::daterange @> $1::date LIMIT $2::int8;
-- overlaps
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'period')::daterange && $1::daterange LIMIT $2::int8;
-- adjacent
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'period')::daterange -|- $1::daterange LIMIT $2::int8;
-- strictlyLeft
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'period')::daterange << $1::daterange LIMIT $2::int8;
-- strictlyRight
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'period')::daterange >> $1::daterange LIMIT $2::int8;
-- notLeft
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'period')::daterange &> $1::daterange LIMIT $2::int8;
-- notRight
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'period')::daterange &< $1::daterange LIMIT $2::int8;
