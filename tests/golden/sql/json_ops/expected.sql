-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) = $1::jsonb LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) <> $1::jsonb LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'meta' IS NULL LIMIT $1::int8;
-- hasKey
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) ? $1::text LIMIT $2::int8;
-- hasAnyKeys
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) ?| $1::text[] LIMIT $2::int8;
-- hasAllKeys
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) ?& $1::text[] LIMIT $2::int8;
-- contains
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) @> $1::jsonb LIMIT $2::int8;
-- containedBy
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) <@ $1::jsonb LIMIT $2::int8;
-- pathExists
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) @? $1::jsonpath LIMIT $2::int8;
-- pathMatch
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'meta', 'null'::jsonb) @@ $1::jsonpath LIMIT $2::int8;
