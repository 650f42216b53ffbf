-- intContains
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) @> to_jsonb($1::numeric[]) LIMIT $2::int8;
-- intAnyEq
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) @> jsonb_build_array(to_jsonb($1::numeric)) LIMIT $2::int8;
-- intAllEq
SELECT t."data"::text FROM "v_item" AS t WHERE (jsonb_typeof(NULLIF(t."data"->'scores', 'null'::jsonb)) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(NULLIF(t."data"->'scores', 'null'::jsonb)) AS e(v) WHERE e.v <> to_jsonb($1::numeric))) LIMIT $2::int8;
-- intOverlaps
SELECT t."data"::text FROM "v_item" AS t WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(to_jsonb($1::numeric[])) AS x(v) WHERE NULLIF(t."data"->'scores', 'null'::jsonb) @> jsonb_build_array(x.v)) LIMIT $2::int8;
-- intEq
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'scores', 'null'::jsonb) = to_jsonb($1::numeric[]) LIMIT $2::int8;
-- decimalContains
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'prices', 'null'::jsonb) @> to_jsonb($1::numeric[]) LIMIT $2::int8;
-- decimalAnyEq
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'prices', 'null'::jsonb) @> jsonb_build_array(to_jsonb($1::numeric)) LIMIT $2::int8;
-- boolContains
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'flags', 'null'::jsonb) @> to_jsonb($1::boolean[]) LIMIT $2::int8;
-- boolAllEq
SELECT t."data"::text FROM "v_item" AS t WHERE (jsonb_typeof(NULLIF(t."data"->'flags', 'null'::jsonb)) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(NULLIF(t."data"->'flags', 'null'::jsonb)) AS e(v) WHERE e.v <> to_jsonb($1::boolean))) LIMIT $2::int8;
-- enumContains
SELECT t."data"::text FROM "v_item" AS t WHERE NULLIF(t."data"->'statuses', 'null'::jsonb) @> to_jsonb($1::text[]) LIMIT $2::int8;
-- enumOverlaps
SELECT t."data"::text FROM "v_item" AS t WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(to_jsonb($1::text[])) AS x(v) WHERE NULLIF(t."data"->'statuses', 'null'::jsonb) @> jsonb_build_array(x.v)) LIMIT $2::int8;
