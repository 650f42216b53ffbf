-- matches
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'body') @@ to_tsquery($1) LIMIT $2::int8;
-- plainQuery
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'body') @@ plainto_tsquery($1) LIMIT $2::int8;
-- phraseQuery
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'body') @@ phraseto_tsquery($1) LIMIT $2::int8;
-- websearchQuery
SELECT t."data"::text FROM "v_item" AS t WHERE (t."data"->>'body') @@ websearch_to_tsquery($1) LIMIT $2::int8;
-- columnMatches
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."search_vector" @@ to_tsquery($1) LIMIT $2::int8;
-- columnWebsearch
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE t."search_vector" @@ websearch_to_tsquery($1) LIMIT $2::int8;
