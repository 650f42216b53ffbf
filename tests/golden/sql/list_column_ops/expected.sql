-- eq
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."labels" = $1 LIMIT $2::int8;
-- neq
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."labels" <> $1 LIMIT $2::int8;
-- isnull
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."labels" IS NULL LIMIT $1::int8;
-- contains
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."labels" @> $1 LIMIT $2::int8;
-- containedBy
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."labels" <@ $1 LIMIT $2::int8;
-- strictlyContains
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."labels" @> $1 AND NOT t."labels" <@ $1) LIMIT $2::int8;
-- overlaps
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."labels" && $1 LIMIT $2::int8;
-- lenEq
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE cardinality(t."labels") = $1::int4 LIMIT $2::int8;
-- lenNeq
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE cardinality(t."labels") <> $1::int4 LIMIT $2::int8;
-- lenGt
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE cardinality(t."labels") > $1::int4 LIMIT $2::int8;
-- lenGte
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE cardinality(t."labels") >= $1::int4 LIMIT $2::int8;
-- lenLt
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE cardinality(t."labels") < $1::int4 LIMIT $2::int8;
-- lenLte
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE cardinality(t."labels") <= $1::int4 LIMIT $2::int8;
-- anyEq
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE $1 = ANY(t."labels") LIMIT $2::int8;
-- allEq
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE $1 = ALL(t."labels") LIMIT $2::int8;
