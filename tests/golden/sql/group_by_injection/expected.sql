-- itemsGroupBy
SELECT jsonb_build_object('key', jsonb_build_object('name', t."data"->>'name'), 'count', count(*))::text FROM "v_item" AS t GROUP BY t."data"->>'name' HAVING (min(t."data"->>'name') = $1 AND max(t."data"->>'name') = ANY($2) AND count(DISTINCT (t."data"->>'uid')::uuid) > $3) ORDER BY max(t."data"->>'name') DESC, t."data"->>'name' ASC LIMIT $4::int8;
