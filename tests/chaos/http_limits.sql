-- Views for tests/chaos/http_limits_pgtest.cpp. Several test processes run this at once
-- (both backends, in parallel with the other suites): the views are created only when
-- absent, under a transaction advisory lock (see tests/e2e/fixtures/http.sql for why).
SELECT pg_advisory_xact_lock(424243);
DO $$
BEGIN
    IF to_regclass('public.chaos_http_big') IS NULL THEN
        CREATE VIEW chaos_http_big AS
            SELECT n AS id,
                   jsonb_build_object('id', n, 'payload', repeat('x', 200)) AS data
            FROM generate_series(1, 100000) AS n;
    END IF;
    IF to_regclass('public.chaos_http_sleep') IS NULL THEN
        -- Long enough that only a cancel ends it within a test's time bounds.
        CREATE VIEW chaos_http_sleep AS
            SELECT 1 AS id, jsonb_build_object('id', 1) AS data FROM pg_sleep(60);
    END IF;
END
$$;
