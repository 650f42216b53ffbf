-- columns
SELECT row_to_json(t)::text FROM "plain_rel" AS t WHERE (t."label" = $1 AND t."qty" > $2 AND t."id" = ANY($3)) ORDER BY t."qty" DESC, t."id" DESC LIMIT $4::int8;
-- nested
SELECT row_to_json(t)::text FROM "plain_rel" AS t WHERE (to_jsonb(t."info")->>'kind' = $1 AND (to_jsonb(t."info")->>'level')::numeric >= $2::numeric) ORDER BY (to_jsonb(t."info")->>'level')::numeric ASC, t."id" ASC LIMIT $3::int8;
