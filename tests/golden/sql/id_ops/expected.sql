-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'code' = $1 LIMIT $2::int8;
-- eqint
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'code' = $1 LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'code' <> $1 LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'code' = ANY($1::text[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'code' <> ALL($1::text[]) LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'code' IS NULL LIMIT $1::int8;
-- contains
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'code' LIKE $1 LIMIT $2::int8;
-- startswith
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'code' LIKE $1 LIMIT $2::int8;
