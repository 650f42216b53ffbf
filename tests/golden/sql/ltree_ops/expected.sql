-- eq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree = $1::ltree LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <> $1::ltree LIMIT $2::int8;
-- gt
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree > $1::ltree LIMIT $2::int8;
-- gte
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree >= $1::ltree LIMIT $2::int8;
-- lt
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree < $1::ltree LIMIT $2::int8;
-- lte
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <= $1::ltree LIMIT $2::int8;
-- in
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree = ANY($1::ltree[]) LIMIT $2::int8;
-- nin
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <> ALL($1::ltree[]) LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "v_item" AS t WHERE t."data"->>'path' IS NULL LIMIT $1::int8;
-- ancestorOf
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree @> $1::ltree LIMIT $2::int8;
-- descendantOf
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree <@ $1::ltree LIMIT $2::int8;
-- matchesLquery
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree ~ $1::lquery LIMIT $2::int8;
-- matchesLtxtquery
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'path')::ltree @ $1::ltxtquery LIMIT $2::int8;
-- nlevelEq
SELECT t."data"::text FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) = $1::int4 LIMIT $2::int8;
-- nlevelGt
SELECT t."data"::text FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) > $1::int4 LIMIT $2::int8;
-- nlevelGte
SELECT t."data"::text FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) >= $1::int4 LIMIT $2::int8;
-- nlevelLt
SELECT t."data"::text FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) < $1::int4 LIMIT $2::int8;
-- nlevelLte
SELECT t."data"::text FROM "v_item" AS t WHERE nlevel((t."data"->>'path')::ltree) <= $1::int4 LIMIT $2::int8;
-- column
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."path"::ltree <@ $1::ltree AND nlevel(t."path"::ltree) = $2::int4) LIMIT $3::int8;
