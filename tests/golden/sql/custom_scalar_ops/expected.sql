-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'money', 'null'::jsonb) = $1::jsonb LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'money', 'null'::jsonb) <> $1::jsonb LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'money', 'null'::jsonb) = ANY($1::jsonb[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'money', 'null'::jsonb) <> ALL($1::jsonb[]) LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'money' IS NULL LIMIT $1::int8;
