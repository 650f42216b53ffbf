-- Deterministic dataset for the FraiseQL end-to-end benchmark (bench/README in docs/benchmarks.md).
--
--   psql -X -v ON_ERROR_STOP=1 -v scale=1 -d DB -f bench/dataset/generate.sql
--
-- :scale = 1 gives 10,000 users, 100,000 posts, 300,000 comments (the full run); the short run
-- (`make bench`) uses 0.1. Sizes: users = round(10000 * scale), posts = 10 * users,
-- comments = 3 * posts. Every value is a function of the row number n (no random(), no now()),
-- ids are md5-derived UUIDs, so two loads at the same scale are identical:
--   user n     id = md5('user' || n)::uuid,  created_at = 2020-01-01 + n minutes
--   post n     id = md5('post' || n)::uuid,  author = user 1 + (n - 1) % users,
--              published_at = 2021-01-01 + n minutes, views = (n * 7919) % 100000
--   comment n  id = md5('comment' || n)::uuid, post = 1 + (n - 1) % posts,
--              author = user 1 + (n * 13) % users
-- So every user has exactly 10 posts and every post exactly 3 comments.
--
-- Two layers, the projection-table design FraiseQL advises (docs/schema-design.md):
--   tb_*  normalised base tables (what PostGraphile and the hand-written SQL read)
--   tv_*  projection tables: one stored JSONB document per row, shaped like the GraphQL object,
--         plus real indexed columns for every sort/filter key (what FraiseQL reads)
-- The script drops and recreates everything (a benchmark database is disposable).

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DROP TABLE IF EXISTS tv_post, tv_user, tb_comment, tb_post, tb_user CASCADE;

CREATE TABLE tb_user (
    pk_user    bigint PRIMARY KEY,
    id         uuid NOT NULL UNIQUE,
    email      text NOT NULL UNIQUE,
    first_name text NOT NULL,
    last_name  text NOT NULL,
    age        int,
    created_at timestamptz NOT NULL
);

CREATE TABLE tb_post (
    pk_post      bigint PRIMARY KEY,
    id           uuid NOT NULL UNIQUE,
    fk_author    bigint NOT NULL REFERENCES tb_user (pk_user),
    title        text NOT NULL,
    body         text NOT NULL,
    published_at timestamptz NOT NULL,
    views        bigint NOT NULL
);

CREATE TABLE tb_comment (
    pk_comment bigint PRIMARY KEY,
    id         uuid NOT NULL UNIQUE,
    fk_post    bigint NOT NULL REFERENCES tb_post (pk_post),
    fk_author  bigint NOT NULL REFERENCES tb_user (pk_user),
    body       text NOT NULL,
    created_at timestamptz NOT NULL
);

SELECT greatest(1, round(10000 * :scale))::int AS n_users \gset
SELECT :n_users * 10 AS n_posts, :n_users * 30 AS n_comments \gset

INSERT INTO tb_user
SELECT n,
       md5('user' || n)::uuid,
       'user' || n || '@example.com',
       (ARRAY['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan',
              'Judy', 'Mallory', 'Niaj', 'Olivia', 'Peggy', 'Rupert', 'Sybil', 'Trent'])[1 + n % 17],
       (ARRAY['Smith', 'Jones', 'Garcia', 'Müller', 'Rossi', 'Dubois', 'Novak', 'Kowalski',
              'Silva', 'Nguyen', 'Kim', 'Okafor', 'Jensen'])[1 + n % 13],
       CASE WHEN n % 50 = 0 THEN NULL ELSE 18 + (n * 7) % 60 END,
       timestamptz '2020-01-01 00:00:00+00' + n * interval '1 minute'
FROM generate_series(1, :n_users) AS n;

INSERT INTO tb_post
SELECT n,
       md5('post' || n)::uuid,
       1 + (n - 1) % :n_users,
       'Post number ' || n || ' about ' ||
           (ARRAY['PostgreSQL', 'GraphQL', 'C++', 'JSONB', 'indexes', 'benchmarks'])[1 + n % 6],
       repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 1 + n % 4) || n,
       timestamptz '2021-01-01 00:00:00+00' + n * interval '1 minute',
       (n * 7919) % 100000
FROM generate_series(1, :n_posts) AS n;

INSERT INTO tb_comment
SELECT n,
       md5('comment' || n)::uuid,
       1 + (n - 1) % :n_posts,
       1 + (n * 13) % :n_users,
       'Comment ' || n || ': ' || repeat('nice post! ', 1 + n % 3),
       timestamptz '2022-01-01 00:00:00+00' + n * interval '1 second'
FROM generate_series(1, :n_comments) AS n;

-- Indexes PostGraphile and the hand-written SQL use (foreign keys, sort keys).
CREATE INDEX tb_user_created_at_idx ON tb_user (created_at);
CREATE INDEX tb_post_fk_author_idx ON tb_post (fk_author, published_at);
CREATE INDEX tb_post_published_at_idx ON tb_post (published_at);
CREATE INDEX tb_comment_fk_post_idx ON tb_comment (fk_post);
CREATE INDEX tb_comment_fk_author_idx ON tb_comment (fk_author);

-- Projection tables. In production these are refreshed by the write functions (or triggers);
-- for a read benchmark they are filled once.
CREATE TABLE tv_user (
    id         uuid PRIMARY KEY,
    email      text NOT NULL,
    created_at timestamptz NOT NULL,
    data       jsonb NOT NULL
);
INSERT INTO tv_user
SELECT u.id, u.email, u.created_at,
       jsonb_build_object('id', u.id, 'email', u.email, 'first_name', u.first_name,
                          'last_name', u.last_name, 'age', u.age, 'created_at', u.created_at)
FROM tb_user u;
-- (key, id): the list's ORDER BY created_at, id reads straight off it (docs/schema-design.md,
-- rule 5); an index on the key alone costs an Incremental Sort for the id tie-breaker.
CREATE INDEX tv_user_created_at_id_idx ON tv_user (created_at, id);

CREATE TABLE tv_post (
    id           uuid PRIMARY KEY,
    author_id    uuid NOT NULL,
    published_at timestamptz NOT NULL,
    views        bigint NOT NULL,
    data         jsonb NOT NULL
);
INSERT INTO tv_post
SELECT p.id, a.id, p.published_at, p.views,
       jsonb_build_object(
           'id', p.id, 'title', p.title, 'body', p.body, 'published_at', p.published_at,
           'views', p.views,
           'author', jsonb_build_object('id', a.id, 'email', a.email,
                                        'first_name', a.first_name),
           'comments', coalesce((
               SELECT jsonb_agg(jsonb_build_object(
                          'id', c.id, 'body', c.body, 'created_at', c.created_at,
                          'author', jsonb_build_object('id', ca.id, 'first_name', ca.first_name))
                      ORDER BY c.created_at, c.pk_comment)
               FROM tb_comment c JOIN tb_user ca ON ca.pk_user = c.fk_author
               WHERE c.fk_post = p.pk_post), '[]'::jsonb))
FROM tb_post p JOIN tb_user a ON a.pk_user = p.fk_author;
CREATE INDEX tv_post_published_at_id_idx ON tv_post (published_at, id);
CREATE INDEX tv_post_author_id_idx ON tv_post (author_id, published_at);

VACUUM ANALYZE tb_user, tb_post, tb_comment, tv_user, tv_post;

SELECT (SELECT count(*) FROM tb_user) AS users, (SELECT count(*) FROM tb_post) AS posts,
       (SELECT count(*) FROM tb_comment) AS comments;
