-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'clock')::time = $1::time LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'clock')::time <> $1::time LIMIT $2::int8;
-- gt
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'clock')::time > $1::time LIMIT $2::int8;
-- gte
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'clock')::time >= $1::time LIMIT $2::int8;
-- lt
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'clock')::time < $1::time LIMIT $2::int8;
-- lte
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'clock')::time <= $1::time LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'clock')::time = ANY($1::time[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'clock')::time <> ALL($1::time[]) LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'clock' IS NULL LIMIT $1::int8;
