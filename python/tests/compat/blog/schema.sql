-- Blog (compat corpus): the tables of the original's examples/blog_simple/db/setup.sql,
-- reduced to users, posts and comments. Adapted: the views emit enum member NAMES
-- (upper(...)), because the native server passes the view's text through where 1.x mapped
-- Python values to names (docs/python.md, "Enums").
CREATE TABLE tb_user (
    pk_user serial PRIMARY KEY, id uuid NOT NULL UNIQUE, identifier text UNIQUE,
    username text NOT NULL, email text NOT NULL, role text NOT NULL DEFAULT 'user',
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE tb_post (
    pk_post serial PRIMARY KEY, id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    identifier text UNIQUE, fk_author int NOT NULL REFERENCES tb_user,
    title text NOT NULL, content text NOT NULL, excerpt text,
    status text NOT NULL DEFAULT 'draft', published_at timestamptz);
CREATE TABLE tb_comment (
    pk_comment serial PRIMARY KEY, id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    fk_post int NOT NULL REFERENCES tb_post, fk_author int NOT NULL REFERENCES tb_user,
    content text NOT NULL);
CREATE VIEW v_users AS
SELECT id, identifier, username, email, upper(role) AS role, created_at FROM tb_user;
CREATE VIEW v_posts AS
SELECT p.id, p.identifier, p.title, p.content, p.excerpt, upper(p.status) AS status,
       p.published_at, u.id AS author_id
FROM tb_post p JOIN tb_user u ON u.pk_user = p.fk_author;
CREATE VIEW v_comments AS
SELECT c.id, c.content, p.id AS post_id, u.id AS author_id
FROM tb_comment c JOIN tb_post p ON p.pk_post = c.fk_post JOIN tb_user u ON u.pk_user = c.fk_author;

CREATE FUNCTION create_comment(input jsonb) RETURNS mutation_response LANGUAGE plpgsql AS $$
DECLARE
    v_post int; v_author int; v_id uuid; r mutation_response;
BEGIN
    SELECT pk_post INTO v_post FROM tb_post WHERE id = (input->>'post_id')::uuid;
    SELECT pk_user INTO v_author FROM tb_user WHERE id = (input->>'author_id')::uuid;
    IF v_post IS NULL THEN
        r.status := 'not_found:post'; r.message := 'No such post';
        RETURN r;
    END IF;
    IF coalesce(btrim(input->>'content'), '') = '' THEN
        r.status := 'validation:content'; r.message := 'Content is required';
        RETURN r;
    END IF;
    INSERT INTO tb_comment (fk_post, fk_author, content)
    VALUES (v_post, v_author, input->>'content') RETURNING id INTO v_id;
    r.status := 'created'; r.message := 'Comment created successfully';
    r.entity_id := v_id::text; r.entity_type := 'Comment';
    r.entity := (SELECT to_jsonb(c) FROM v_comments c WHERE c.id = v_id);
    RETURN r;
END $$;

INSERT INTO tb_user (id, identifier, username, email, role, created_at) VALUES
 ('11111111-1111-1111-1111-111111111111', 'alice', 'alice', 'alice@example.com', 'admin',
  '2024-01-01T10:00:00Z'),
 ('22222222-2222-2222-2222-222222222222', 'bob', 'bob', 'bob@example.com', 'author',
  '2024-01-02T10:00:00Z');
INSERT INTO tb_post (id, identifier, fk_author, title, content, excerpt, status, published_at)
VALUES
 ('aaaaaaaa-0000-0000-0000-000000000001', 'hello', 1, 'Hello', 'First post', 'Hi', 'published',
  '2024-02-01T09:00:00Z'),
 ('aaaaaaaa-0000-0000-0000-000000000002', 'draft', 2, 'Draft', 'Not yet', NULL, 'draft', NULL),
 ('aaaaaaaa-0000-0000-0000-000000000003', 'news', 2, 'News', 'Second post', NULL, 'published',
  '2024-02-03T09:00:00Z');
