-- plainsGroupBy
SELECT jsonb_build_object('key', jsonb_build_object('label', t."label"), 'count', count(*), 'avg', jsonb_build_object('qty', avg(t."qty")::float8))::text FROM "plain_rel" AS t GROUP BY t."label" ORDER BY avg(t."qty")::float8 DESC NULLS LAST, t."label" ASC LIMIT $1::int8;
