-- cosine
SELECT t."data"::text FROM "v_item" AS t WHERE ((t."data"->>'embedding')::vector <=> $1::vector) < $2::float8 LIMIT $3::int8;
-- l2
SELECT t."data"::text FROM "v_item" AS t WHERE ((t."data"->>'embedding')::vector <-> $1::vector) <= $2::float8 LIMIT $3::int8;
-- l1
SELECT t."data"::text FROM "v_item" AS t WHERE ((t."data"->>'embedding')::vector <+> $1::vector) > $2::float8 LIMIT $3::int8;
-- inner
SELECT t."data"::text FROM "v_item" AS t WHERE ((t."data"->>'embedding')::vector <#> $1::vector) < $2::float8 LIMIT $3::int8;
-- band
SELECT t."data"::text FROM "v_item" AS t WHERE (((t."data"->>'embedding')::vector <=> $1::vector) <= $2::float8 AND ((t."data"->>'embedding')::vector <=> $1::vector) > $3::float8) LIMIT $4::int8;
-- column
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE (t."embedding" <-> $1::vector) < $2::float8 LIMIT $3::int8;
