-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE t."data" @> jsonb_build_object('name', $1::text) LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' <> $1 LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' = ANY($1::text[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' <> ALL($1::text[]) LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' IS NULL LIMIT $1::int8;
-- isnotnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' IS NOT NULL LIMIT $1::int8;
-- contains
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' LIKE $1 LIMIT $2::int8;
-- icontains
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' ILIKE $1 LIMIT $2::int8;
-- startswith
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' LIKE $1 LIMIT $2::int8;
-- istartswith
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' ILIKE $1 LIMIT $2::int8;
-- endswith
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' LIKE $1 LIMIT $2::int8;
-- iendswith
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' ILIKE $1 LIMIT $2::int8;
-- like
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' LIKE $1 LIMIT $2::int8;
-- ilike
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' ILIKE $1 LIMIT $2::int8;
-- matches
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' ~ $1 LIMIT $2::int8;
-- imatches
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' ~* $1 LIMIT $2::int8;
-- notMatches
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'name' !~ $1 LIMIT $2::int8;
-- several
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data" @> jsonb_build_object('name', $1::text) AND t."data"->>'name' <> $2) LIMIT $3::int8;
