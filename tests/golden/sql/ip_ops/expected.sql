-- eq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'ip')::inet = $1::inet LIMIT $2::int8) AS p;
-- neq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'ip')::inet <> $1::inet LIMIT $2::int8) AS p;
-- in
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'ip')::inet = ANY($1::inet[]) LIMIT $2::int8) AS p;
-- nin
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'ip')::inet <> ALL($1::inet[]) LIMIT $2::int8) AS p;
-- isnull
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE t."data"->>'ip' IS NULL LIMIT $1::int8) AS p;
-- inSubnet
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'ip')::inet <<= $1::inet LIMIT $2::int8) AS p;
-- inRange
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE ((t."data"->>'ip')::inet >= $1::inet AND (t."data"->>'ip')::inet <= $2::inet) LIMIT $3::int8) AS p;
-- isPrivate
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE ((t."data"->>'ip')::inet <<= '10.0.0.0/8'::inet OR (t."data"->>'ip')::inet <<= '172.16.0.0/12'::inet OR (t."data"->>'ip')::inet <<= '192.168.0.0/16'::inet OR (t."data"->>'ip')::inet <<= 'fc00::/7'::inet) LIMIT $1::int8) AS p;
-- notPrivate
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NOT ((t."data"->>'ip')::inet <<= '10.0.0.0/8'::inet OR (t."data"->>'ip')::inet <<= '172.16.0.0/12'::inet OR (t."data"->>'ip')::inet <<= '192.168.0.0/16'::inet OR (t."data"->>'ip')::inet <<= 'fc00::/7'::inet) LIMIT $1::int8) AS p;
-- isPublic
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE NOT ((t."data"->>'ip')::inet <<= '10.0.0.0/8'::inet OR (t."data"->>'ip')::inet <<= '172.16.0.0/12'::inet OR (t."data"->>'ip')::inet <<= '192.168.0.0/16'::inet OR (t."data"->>'ip')::inet <<= 'fc00::/7'::inet) LIMIT $1::int8) AS p;
-- notPublic
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE ((t."data"->>'ip')::inet <<= '10.0.0.0/8'::inet OR (t."data"->>'ip')::inet <<= '172.16.0.0/12'::inet OR (t."data"->>'ip')::inet <<= '192.168.0.0/16'::inet OR (t."data"->>'ip')::inet <<= 'fc00::/7'::inet) LIMIT $1::int8) AS p;
-- isIPv4
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE family((t."data"->>'ip')::inet) = 4 LIMIT $1::int8) AS p;
-- notIPv4
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE family((t."data"->>'ip')::inet) <> 4 LIMIT $1::int8) AS p;
-- isIPv6
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE family((t."data"->>'ip')::inet) = 6 LIMIT $1::int8) AS p;
-- cidrEq
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE (t."data"->>'net')::inet = $1::inet LIMIT $2::int8) AS p;
-- cidrSubnet
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "v_item" AS t WHERE ((t."data"->>'net')::inet <<= $1::inet AND family((t."data"->>'net')::inet) = 4) LIMIT $2::int8) AS p;
-- column
SELECT CASE WHEN pg_column_size(p.d) >= 140 AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' THEN jsonb_build_object('id', p.d->'id')::text ELSE p.d::text END FROM (SELECT t."data" AS d FROM "app"."tv_machine" AS t WHERE (t."ip_address"::inet <<= $1::inet AND (t."ip_address"::inet <<= '10.0.0.0/8'::inet OR t."ip_address"::inet <<= '172.16.0.0/12'::inet OR t."ip_address"::inet <<= '192.168.0.0/16'::inet OR t."ip_address"::inet <<= 'fc00::/7'::inet)) LIMIT $2::int8) AS p;
