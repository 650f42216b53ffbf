-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('price', $1::numeric) LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'price')::numeric <> $1::numeric LIMIT $2::int8;
-- gt
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'price')::numeric > $1::numeric LIMIT $2::int8;
-- gte
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'price')::numeric >= $1::numeric LIMIT $2::int8;
-- lt
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'price')::numeric < $1::numeric LIMIT $2::int8;
-- lte
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'price')::numeric <= $1::numeric LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'price')::numeric = ANY($1::numeric[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'price')::numeric <> ALL($1::numeric[]) LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'price' IS NOT NULL LIMIT $1::int8;
