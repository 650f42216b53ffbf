-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('count', $1::numeric) LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'count')::numeric <> $1::numeric LIMIT $2::int8;
-- gt
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'count')::numeric > $1::numeric LIMIT $2::int8;
-- gte
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'count')::numeric >= $1::numeric LIMIT $2::int8;
-- lt
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'count')::numeric < $1::numeric LIMIT $2::int8;
-- lte
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'count')::numeric <= $1::numeric LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'count')::numeric = ANY($1::numeric[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'count')::numeric <> ALL($1::numeric[]) LIMIT $2::int8;
-- in_empty
SELECT t."data"::text FROM "v_item" AS t WHERE FALSE LIMIT $1::int8;
-- nin_empty
SELECT t."data"::text FROM "v_item" AS t WHERE TRUE LIMIT $1::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'count' IS NULL LIMIT $1::int8;
-- range
SELECT t."data"::text FROM "v_item" AS t WHERE ((t."data"->>'count')::numeric > $1::numeric AND (t."data"->>'count')::numeric < $2::numeric) LIMIT $3::int8;
