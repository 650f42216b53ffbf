-- matches
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'body') @@ to_tsquery($1) LIMIT $2::int8;
-- plainQuery
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'body') @@ plainto_tsquery($1) LIMIT $2::int8;
-- phraseQuery
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'body') @@ phraseto_tsquery($1) LIMIT $2::int8;
-- websearchQuery
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'body') @@ websearch_to_tsquery($1) LIMIT $2::int8;
-- columnMatches
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE t."search_vector" @@ to_tsquery($1) LIMIT $2::int8;
-- columnWebsearch
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE t."search_vector" @@ websearch_to_tsquery($1) LIMIT $2::int8;
