-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'uid')::uuid = $1::uuid LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'uid')::uuid <> $1::uuid LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'uid')::uuid = ANY($1::uuid[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'uid')::uuid <> ALL($1::uuid[]) LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'uid' IS NULL LIMIT $1::int8;
