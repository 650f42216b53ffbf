-- cosine
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE ((t."data"->>'embedding')::vector <=> $1::vector) < $2::float8 LIMIT $3::int8;
-- l2
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE ((t."data"->>'embedding')::vector <-> $1::vector) <= $2::float8 LIMIT $3::int8;
-- l1
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE ((t."data"->>'embedding')::vector <+> $1::vector) > $2::float8 LIMIT $3::int8;
-- inner
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE ((t."data"->>'embedding')::vector <#> $1::vector) < $2::float8 LIMIT $3::int8;
-- band
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (((t."data"->>'embedding')::vector <=> $1::vector) <= $2::float8 AND ((t."data"->>'embedding')::vector <=> $1::vector) > $3::float8) LIMIT $4::int8;
-- column
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE (t."embedding" <-> $1::vector) < $2::float8 LIMIT $3::int8;
