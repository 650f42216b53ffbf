-- plains
SELECT row_to_json(t)::text FROM "plain_rel" AS t LIMIT $1::int8 OFFSET $2::int8;
