-- FraiseQL example: a small blog, written the FraiseQL way (database-first CQRS).
--
--   tb_*  base tables (pk_<entity> internal bigint key, id public UUID, fk_<entity> links)
--   v_*   read views: a few real columns for filtering/ordering plus one JSONB column `data`
--         already shaped like the GraphQL object (snake_case keys, nested objects/arrays),
--         so one SELECT answers a whole GraphQL tree
--   fn_*  write functions: JSONB in, JSONB out
--
-- Load into a fresh database in one transaction, schema then data:
--   psql -X -1 -v ON_ERROR_STOP=1 -d DB -f schema.sql -f seed.sql
-- No BEGIN/COMMIT here (psql -1 wraps the files). Every statement is idempotent (IF NOT
-- EXISTS / OR REPLACE), so loading twice is harmless. `fraiseql demo` loads it once, guarded
-- by the marker table fraiseql_demo_loaded that it creates afterwards.
-- Needs PostgreSQL 13+ (gen_random_uuid() is core).

CREATE TABLE IF NOT EXISTS tb_user (
    pk_user      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    email        text NOT NULL UNIQUE,          -- the UNIQUE constraint is the email index
    first_name   text NOT NULL,
    last_name    text,
    age          int,
    tags         text[] DEFAULT '{}',
    address_city text,
    address_zip  text,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS tb_post (
    pk_post      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    fk_author    bigint NOT NULL REFERENCES tb_user (pk_user),
    title        text NOT NULL,
    body         text NOT NULL,
    published_at timestamptz,                   -- NULL: a draft
    rating       numeric(3, 1),
    views        bigint NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS tb_comment (
    pk_comment   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    fk_post      bigint NOT NULL REFERENCES tb_post (pk_post),
    fk_author    bigint NOT NULL REFERENCES tb_user (pk_user),
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS tb_post_fk_author_idx ON tb_post (fk_author);
CREATE INDEX IF NOT EXISTS tb_post_published_at_idx ON tb_post (published_at);
CREATE INDEX IF NOT EXISTS tb_comment_fk_post_idx ON tb_comment (fk_post);
CREATE INDEX IF NOT EXISTS tb_comment_fk_author_idx ON tb_comment (fk_author);
-- Sort/filter keys the views expose as columns (docs/schema-design.md): an ORDER BY ... LIMIT
-- on them walks these indexes and builds only the documents it returns.
CREATE INDEX IF NOT EXISTS tb_user_age_idx ON tb_user (age);
CREATE INDEX IF NOT EXISTS tb_user_created_at_idx ON tb_user (created_at);
-- DESC NULLS LAST: "best rated first, unrated last" is read straight off the index.
CREATE INDEX IF NOT EXISTS tb_post_rating_idx ON tb_post (rating DESC NULLS LAST);

-- Multi-tenancy (docs/security.md §3). Every row belongs to a tenant; row-level security
-- policies compare it with the session variable app.tenant_id, which FraiseQL sets per request
-- with set_config('app.tenant_id', <value>, true) when configured with
--   session_variables = "app.tenant_id=claim:tenant_id"
-- For the demo, an unset or empty app.tenant_id means the tenant 'demo' (so anonymous requests
-- see the demo data); a real application would map "no tenant" to no rows at all.
-- Seed data: users 991..1000 and their comments belong to the tenant 'acme', the rest to
-- 'demo'. RLS binds only roles that are neither superusers nor BYPASSRLS nor the tables'
-- owner: `make demo` serves as fraiseql_app (a NOSUPERUSER NOBYPASSRLS role, granted below when
-- it exists); psql as postgres still sees every tenant.
CREATE OR REPLACE FUNCTION blog_current_tenant() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('app.tenant_id', true), ''), 'demo')
$$;

-- Added after CREATE TABLE so that a database loaded by an older version is upgraded in place.
ALTER TABLE tb_user ADD COLUMN IF NOT EXISTS tenant_id text NOT NULL DEFAULT blog_current_tenant();
ALTER TABLE tb_post ADD COLUMN IF NOT EXISTS tenant_id text NOT NULL DEFAULT blog_current_tenant();
ALTER TABLE tb_comment ADD COLUMN IF NOT EXISTS tenant_id text NOT NULL DEFAULT blog_current_tenant();

ALTER TABLE tb_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE tb_post ENABLE ROW LEVEL SECURITY;
ALTER TABLE tb_comment ENABLE ROW LEVEL SECURITY;
-- USING filters the rows a statement reads, updates or deletes; WITH CHECK refuses a row
-- written (INSERT, or the new version of an UPDATE) for another tenant.
DROP POLICY IF EXISTS tenant_isolation ON tb_user;
CREATE POLICY tenant_isolation ON tb_user
    USING (tenant_id = blog_current_tenant()) WITH CHECK (tenant_id = blog_current_tenant());
DROP POLICY IF EXISTS tenant_isolation ON tb_post;
CREATE POLICY tenant_isolation ON tb_post
    USING (tenant_id = blog_current_tenant()) WITH CHECK (tenant_id = blog_current_tenant());
DROP POLICY IF EXISTS tenant_isolation ON tb_comment;
CREATE POLICY tenant_isolation ON tb_comment
    USING (tenant_id = blog_current_tenant()) WITH CHECK (tenant_id = blog_current_tenant());

-- User: the keys clients filter and sort on (id, email, created_at, first_name, age) are also
-- real columns, so filters and ordering on them use the columns and their indexes instead of
-- building every row's document first (product spec §3.3, docs/schema-design.md). New columns
-- go after `data`: CREATE OR REPLACE VIEW can only append. `posts` is an embedded array.
CREATE OR REPLACE VIEW v_user AS
SELECT
    u.id,
    u.email,
    u.created_at,
    jsonb_build_object(
        'id', u.id,
        'email', u.email,
        'first_name', u.first_name,
        'last_name', u.last_name,
        'age', u.age,
        'tags', to_jsonb(u.tags),
        'address', jsonb_build_object('city', u.address_city, 'zip', u.address_zip),
        'created_at', u.created_at,
        'posts', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'id', p.id,
                       'title', p.title,
                       'published_at', p.published_at)
                   ORDER BY p.published_at, p.pk_post)
            FROM tb_post p
            WHERE p.fk_author = u.pk_user), '[]'::jsonb)
    ) AS data,
    u.first_name,
    u.age
FROM tb_user u;

-- Post: the author as an embedded object, the comments (each with its author) as an
-- embedded array, oldest first; '[]' when there are none. author_id is the foreign-key column
-- that {author: {id: ...}} filters use; published_at, title, rating and views are sort/filter
-- keys exposed as columns.
CREATE OR REPLACE VIEW v_post AS
SELECT
    p.id,
    a.id AS author_id,
    p.published_at,
    jsonb_build_object(
        'id', p.id,
        'title', p.title,
        'body', p.body,
        'published_at', p.published_at,
        'rating', p.rating,
        'views', p.views,
        'author', jsonb_build_object('id', a.id, 'email', a.email, 'first_name', a.first_name),
        'comments', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'id', c.id,
                       'body', c.body,
                       'created_at', c.created_at,
                       'author', jsonb_build_object('id', ca.id, 'first_name', ca.first_name))
                   ORDER BY c.created_at, c.pk_comment)
            FROM tb_comment c
            JOIN tb_user ca ON ca.pk_user = c.fk_author
            WHERE c.fk_post = p.pk_post), '[]'::jsonb)
    ) AS data,
    p.title,
    p.rating,
    p.views
FROM tb_post p
JOIN tb_user a ON a.pk_user = p.fk_author;

-- createPost: input {author_id, title, body} (snake_case keys, as the server serialises the
-- GraphQL input). Publishes the post now and returns its v_post document. Bad input raises
-- an exception with a clear message (a database error, so the transaction rolls back).
CREATE OR REPLACE FUNCTION fn_create_post(input jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_author_id uuid;
    v_pk_author bigint;
    v_title     text := input ->> 'title';
    v_body      text := input ->> 'body';
    v_id        uuid;
    v_result    jsonb;
BEGIN
    IF input IS NULL OR jsonb_typeof(input) <> 'object' THEN
        RAISE EXCEPTION 'fn_create_post: input must be a JSON object'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF input ->> 'author_id' IS NULL THEN
        RAISE EXCEPTION 'fn_create_post: author_id is required'
            USING ERRCODE = 'not_null_violation';
    END IF;
    IF v_title IS NULL OR btrim(v_title) = '' THEN
        RAISE EXCEPTION 'fn_create_post: title is required and must not be empty'
            USING ERRCODE = 'not_null_violation';
    END IF;
    IF v_body IS NULL THEN
        RAISE EXCEPTION 'fn_create_post: body is required'
            USING ERRCODE = 'not_null_violation';
    END IF;

    BEGIN
        v_author_id := (input ->> 'author_id')::uuid;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'fn_create_post: author_id "%" is not a UUID', input ->> 'author_id'
            USING ERRCODE = 'invalid_text_representation';
    END;

    SELECT pk_user INTO v_pk_author FROM tb_user WHERE id = v_author_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'fn_create_post: author % does not exist', v_author_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;

    INSERT INTO tb_post (fk_author, title, body, published_at)
    VALUES (v_pk_author, v_title, v_body, now())
    RETURNING id INTO v_id;

    SELECT data INTO v_result FROM v_post WHERE id = v_id;
    RETURN v_result;
END;
$$;

-- mutations --------------------------------------------------------------------------
-- The mutation_response composite of the original FraiseQL (docs/mutations.md): a status
-- from the taxonomy (created, updated, noop:…, not_found:…, validation:…), a message, the
-- entity and what changed. FraiseQL maps it onto the GraphQL union
-- UpdatePostTitleResult = UpdatePostTitleSuccess | UpdatePostTitleError.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mutation_response'
                   AND typnamespace = 'public'::regnamespace) THEN
        CREATE TYPE mutation_response AS (
            status         text,
            message        text,
            entity_id      text,
            entity_type    text,
            entity         jsonb,
            updated_fields text[],
            cascade        jsonb,
            metadata       jsonb);
    END IF;
END $$;

-- updatePostTitle: input {id, title}. Business outcomes are statuses, not exceptions, so
-- they reach the client as data (the error type), and nothing is written for them.
CREATE OR REPLACE FUNCTION fn_update_post_title(input jsonb) RETURNS mutation_response
LANGUAGE plpgsql AS $$
DECLARE
    v_id    uuid;
    v_title text := btrim(coalesce(input ->> 'title', ''));
    v_old   text;
    r       mutation_response;
BEGIN
    r.entity_type := 'Post';
    BEGIN
        v_id := (input ->> 'id')::uuid;
    EXCEPTION WHEN invalid_text_representation THEN
        r.status := 'validation:id';
        r.message := 'id is not a UUID';
        RETURN r;
    END;
    IF v_title = '' THEN
        r.status := 'validation:title';
        r.message := 'title must not be empty';
        r.metadata := jsonb_build_object('errors', jsonb_build_array(jsonb_build_object(
            'message', 'title must not be empty', 'code', 422, 'identifier', 'title',
            'details', jsonb_build_object('field', 'title'))));
        RETURN r;
    END IF;
    SELECT title INTO v_old FROM tb_post WHERE id = v_id FOR UPDATE;
    IF NOT FOUND THEN
        r.status := 'not_found:post';
        r.message := 'no post with id ' || v_id;
        RETURN r;
    END IF;
    r.entity_id := v_id::text;
    IF v_old = v_title THEN
        r.status := 'noop:unchanged';
        r.message := 'the title is already "' || v_title || '"';
        RETURN r;
    END IF;
    UPDATE tb_post SET title = v_title WHERE id = v_id;
    r.status := 'updated';
    r.message := 'title changed';
    r.updated_fields := ARRAY['title'];
    SELECT data INTO r.entity FROM v_post WHERE id = v_id;
    RETURN r;
END;
$$;

-- Views and row-level security ---------------------------------------------------------
-- A view reads its tables with its owner's rights, and its owner here is whoever loaded this
-- file (usually the superuser postgres, to whom RLS does not apply): the tenant policies
-- would be bypassed through the views. security_invoker (PostgreSQL 15) makes them read
-- with the rights of the role that queries them. On PostgreSQL 13/14, make a NOSUPERUSER
-- NOBYPASSRLS role that does not own the tables own the views instead.
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 150000 THEN
        ALTER VIEW v_user SET (security_invoker = true);
        ALTER VIEW v_post SET (security_invoker = true);
    ELSE
        RAISE WARNING 'PostgreSQL < 15: v_user and v_post bypass the tenant policies (see schema.sql)';
    END IF;
END $$;

-- The role the server connects as (tools/pg-test-cluster.sh creates fraiseql_app): reads
-- through the views, writes through the functions (which run with the caller's rights, so
-- RLS applies inside them too; SELECT ... FOR UPDATE needs UPDATE).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fraiseql_app') THEN
        GRANT SELECT ON tb_user, tb_post, tb_comment, v_user, v_post TO fraiseql_app;
        GRANT INSERT, UPDATE ON tb_post TO fraiseql_app;
    END IF;
END $$;
