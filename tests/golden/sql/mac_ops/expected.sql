-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'mac')::macaddr = $1::macaddr LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'mac')::macaddr <> $1::macaddr LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'mac')::macaddr = ANY($1::macaddr[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'mac')::macaddr <> ALL($1::macaddr[]) LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'mac' IS NULL LIMIT $1::int8;
