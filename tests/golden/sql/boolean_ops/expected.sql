-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('active', $1::boolean) LIMIT $2::int8;
-- eqfalse
SELECT t."data"::text FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('active', $1::boolean) LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'active')::boolean <> $1::boolean LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'active' IS NULL LIMIT $1::int8;
