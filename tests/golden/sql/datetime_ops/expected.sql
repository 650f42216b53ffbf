-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz = $1::timestamptz LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz <> $1::timestamptz LIMIT $2::int8;
-- gt
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz > $1::timestamptz LIMIT $2::int8;
-- gte
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz >= $1::timestamptz LIMIT $2::int8;
-- lt
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz < $1::timestamptz LIMIT $2::int8;
-- lte
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz <= $1::timestamptz LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz = ANY($1::timestamptz[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'at')::timestamptz <> ALL($1::timestamptz[]) LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'at' IS NOT NULL LIMIT $1::int8;
