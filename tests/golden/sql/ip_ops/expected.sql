-- eq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'ip')::inet = $1::inet LIMIT $2::int8;
-- neq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'ip')::inet <> $1::inet LIMIT $2::int8;
-- in
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'ip')::inet = ANY($1::inet[]) LIMIT $2::int8;
-- nin
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'ip')::inet <> ALL($1::inet[]) LIMIT $2::int8;
-- isnull
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE t."data"->>'ip' IS NULL LIMIT $1::int8;
-- inSubnet
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'ip')::inet <<= $1::inet LIMIT $2::int8;
-- inRange
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE ((t."data"->>'ip')::inet >= $1::inet AND (t."data"->>'ip')::inet <= $2::inet) LIMIT $3::int8;
-- isPrivate
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE ((t."data"->>'ip')::inet <<= '10.0.0.0/8'::inet OR (t."data"->>'ip')::inet <<= '172.16.0.0/12'::inet OR (t."data"->>'ip')::inet <<= '192.168.0.0/16'::inet OR (t."data"->>'ip')::inet <<= 'fc00::/7'::inet) LIMIT $1::int8;
-- notPrivate
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE NOT ((t."data"->>'ip')::inet <<= '10.0.0.0/8'::inet OR (t."data"->>'ip')::inet <<= '172.16.0.0/12'::inet OR (t."data"->>'ip')::inet <<= '192.168.0.0/16'::inet OR (t."data"->>'ip')::inet <<= 'fc00::/7'::inet) LIMIT $1::int8;
-- isPublic
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE NOT ((t."data"->>'ip')::inet <<= '10.0.0.0/8'::inet OR (t."data"->>'ip')::inet <<= '172.16.0.0/12'::inet OR (t."data"->>'ip')::inet <<= '192.168.0.0/16'::inet OR (t."data"->>'ip')::inet <<= 'fc00::/7'::inet) LIMIT $1::int8;
-- notPublic
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE ((t."data"->>'ip')::inet <<= '10.0.0.0/8'::inet OR (t."data"->>'ip')::inet <<= '172.16.0.0/12'::inet OR (t."data"->>'ip')::inet <<= '192.168.0.0/16'::inet OR (t."data"->>'ip')::inet <<= 'fc00::/7'::inet) LIMIT $1::int8;
-- isIPv4
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE family((t."data"->>'ip')::inet) = 4 LIMIT $1::int8;
-- notIPv4
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE family((t."data"->>'ip')::inet) <> 4 LIMIT $1::int8;
-- isIPv6
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE family((t."data"->>'ip')::inet) = 6 LIMIT $1::int8;
-- cidrEq
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE (t."data"->>'net')::inet = $1::inet LIMIT $2::int8;
-- cidrSubnet
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "v_item" AS t WHERE ((t."data"->>'net')::inet <<= $1::inet AND family((t."data"->>'net')::inet) = 4) LIMIT $2::int8;
-- column
SELECT CASE WHEN pg_column_size(t."data") >= 140 AND pg_typeof(t."data") = 'jsonb'::regtype AND jsonb_typeof(t."data"::jsonb) = 'object' THEN jsonb_build_object('id', t."data"->'id')::text ELSE t."data"::text END FROM "app"."tv_machine" AS t WHERE (t."ip_address"::inet <<= $1::inet AND (t."ip_address"::inet <<= '10.0.0.0/8'::inet OR t."ip_address"::inet <<= '172.16.0.0/12'::inet OR t."ip_address"::inet <<= '192.168.0.0/16'::inet OR t."ip_address"::inet <<= 'fc00::/7'::inet)) LIMIT $2::int8;
