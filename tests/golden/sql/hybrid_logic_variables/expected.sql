-- machines
SELECT t."data"::text FROM "app"."tv_machine" AS t WHERE ((t."model_id" = $1 AND t."status" = $2) OR NOT COALESCE(NOT COALESCE((t."location_id" = ANY($3) AND t."priority" > $4), FALSE), FALSE) OR t."data" @> jsonb_build_object('model', jsonb_build_object('name', $5::text))) LIMIT $6::int8;
