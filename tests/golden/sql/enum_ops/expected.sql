-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('status', $1::text) LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'status' <> $1 LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'status' = ANY($1::text[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'status' <> ALL($1::text[]) LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'status' IS NULL LIMIT $1::int8;
-- column
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."status" = $1 LIMIT $2::int8;
-- columnIn
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."status" = ANY($1) LIMIT $2::int8;
