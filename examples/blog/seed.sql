-- Deterministic seed data for examples/blog (load after schema.sql, see its header).
--
-- 1,000 users, 3,000 posts, 6,000 comments. Every value is a function of the row number n
-- (no random(), no now()), and ids are md5-derived UUIDs, so any two loads are identical:
--   user n    id = md5('user' || n)::uuid       e.g. user 1 = alice@example.com, "Alice"
--   post n    id = md5('post' || n)::uuid       author = user 1 + (n - 1) % 990
--   comment n id = md5('comment' || n)::uuid    post = 1 + (n - 1) % 2900
-- Edge cases, for filters and the response writer:
--   users 2, 102, 202, ...  age NULL          user 7      email with '%' and '_'
--   users 3, 4, 5           Zoë, Łukasz, 太郎 山田 (unicode; user 5 has last_name NULL)
--   users 25, 50, ...       tags '{}'         user 6      tags NULL
--   users 40, 80, ...       city, zip NULL    users 991..1000  no posts
--   posts 10, 20, ...       drafts (published_at NULL)   posts 7, 14, ...  rating NULL
--   post 1                  body with newline, tab, quotes and a backslash
--   post 3000               views = 2^53 + 1 (not exact as a double; BigInt)
--   posts 2901..3000        no comments       comment 1   quotes, backslash, emoji
--   users 991..1000 and their comments: tenant 'acme'; everything else: tenant 'demo'
-- Inserts skip rows that exist (ON CONFLICT DO NOTHING): loading twice is harmless.

INSERT INTO tb_user (id, email, first_name, last_name, age, tags, address_city, address_zip,
                     created_at)
SELECT
    md5('user' || n)::uuid,
    CASE n
        WHEN 1 THEN 'alice@example.com'
        WHEN 7 THEN 'under_score%percent@example.com'
        ELSE 'user' || n || '@example.com'
    END,
    CASE n
        WHEN 1 THEN 'Alice'
        WHEN 3 THEN 'Zoë'
        WHEN 4 THEN 'Łukasz'
        WHEN 5 THEN '太郎'
        ELSE (ARRAY['Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan',
                    'Judy', 'Mallory', 'Niaj', 'Olivia', 'Peggy', 'Rupert', 'Sybil',
                    'Trent', 'Victor', 'Walter'])[1 + n % 18]
    END,
    CASE n
        WHEN 1 THEN 'Anderson'
        WHEN 3 THEN 'Brontë'
        WHEN 4 THEN 'Żółkiewski'
        WHEN 5 THEN NULL
        ELSE (ARRAY['Smith', 'Jones', 'Garcia', 'Müller', 'Rossi', 'Dubois', 'Novak',
                    'Kowalski', 'Silva', 'Nguyen', 'Kim', 'Okafor', 'Jensen'])[1 + n % 13]
    END,
    CASE
        WHEN n = 1 THEN 30
        WHEN n % 100 = 2 THEN NULL
        ELSE 18 + (n * 7) % 60
    END,
    CASE
        WHEN n = 1 THEN ARRAY['admin', 'author']
        WHEN n = 6 THEN NULL
        WHEN n % 25 = 0 THEN '{}'::text[]
        WHEN n % 3 = 0 THEN ARRAY['author']
        WHEN n % 3 = 1 THEN ARRAY['reader', 'graphql']
        ELSE ARRAY['reader', 'postgres', 'c++']
    END,
    CASE
        WHEN n % 40 = 0 THEN NULL
        ELSE (ARRAY['Paris', 'Berlin', 'Kraków', 'Lisbon', 'Tokyo', 'Montréal', 'Oslo'])
             [1 + n % 7]
    END,
    CASE
        WHEN n % 40 = 0 THEN NULL
        ELSE lpad(((n * 37) % 100000)::text, 5, '0')
    END,
    timestamptz '2024-01-01 00:00:00+00' + (n - 1) * interval '1 hour'
FROM generate_series(1, 1000) AS n
ON CONFLICT DO NOTHING;

INSERT INTO tb_post (id, fk_author, title, body, published_at, rating, views)
SELECT
    md5('post' || n)::uuid,
    u.pk_user,
    'Post ' || n || ': ' ||
        (ARRAY['Hello GraphQL', 'Views all the way down', 'JSONB tricks', 'On indexes',
               'CQRS in practice', 'Why C++', 'Async I/O', 'Testing with PostgreSQL',
               'Pagination', 'Filters'])[1 + n % 10],
    CASE n
        WHEN 1 THEN E'First line\nSecond line\twith a tab, "quotes" and a \\ backslash'
        ELSE 'Body of post ' || n || '. ' || repeat('Lorem ipsum dolor sit amet. ', 1 + n % 5)
    END,
    CASE
        WHEN n % 10 = 0 THEN NULL
        ELSE timestamptz '2024-02-01 00:00:00+00' + n * interval '37 minutes'
    END,
    CASE
        WHEN n % 7 = 0 THEN NULL
        ELSE ((n * 13) % 50 + 1) / 10.0
    END,
    CASE
        WHEN n = 3000 THEN 9007199254740993
        ELSE (n::bigint * 7919) % 100000
    END
FROM generate_series(1, 3000) AS n
JOIN tb_user u ON u.id = md5('user' || (1 + (n - 1) % 990))::uuid
ORDER BY n
ON CONFLICT DO NOTHING;

INSERT INTO tb_comment (id, fk_post, fk_author, body, created_at)
SELECT
    md5('comment' || n)::uuid,
    p.pk_post,
    u.pk_user,
    CASE n
        WHEN 1 THEN E'Great post! "Quoted", C:\\path and an emoji 🎉'
        ELSE 'Comment ' || n || ' on post ' || (1 + (n - 1) % 2900)
    END,
    timestamptz '2024-03-01 00:00:00+00' + n * interval '11 minutes'
FROM generate_series(1, 6000) AS n
JOIN tb_post p ON p.id = md5('post' || (1 + (n - 1) % 2900))::uuid
JOIN tb_user u ON u.id = md5('user' || (1 + (n * 13) % 1000))::uuid
ORDER BY n
ON CONFLICT DO NOTHING;

-- Tenants (schema.sql, "Multi-tenancy"): rows default to 'demo'; users 991..1000 (who have
-- no posts) and the comments they wrote belong to 'acme'. Idempotent UPDATEs, so that a
-- database seeded by an older version gets its tenants too.
UPDATE tb_user SET tenant_id = 'acme'
WHERE id IN (SELECT md5('user' || n)::uuid FROM generate_series(991, 1000) AS n)
  AND tenant_id <> 'acme';
UPDATE tb_comment c SET tenant_id = u.tenant_id
FROM tb_user u
WHERE u.pk_user = c.fk_author AND c.tenant_id <> u.tenant_id;

ANALYZE tb_user;
ANALYZE tb_post;
ANALYZE tb_comment;
