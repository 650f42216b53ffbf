-- Feed (compat corpus): the view the original's cursor_pagination_demo.py infers for
-- users_connection ("v_users"); the demo shipped no SQL, so this is written for it.
CREATE TABLE tb_user (
    id uuid PRIMARY KEY, name text NOT NULL, email text NOT NULL,
    created_at timestamptz NOT NULL);
CREATE VIEW v_users AS
SELECT id, jsonb_build_object('id', id, 'name', name, 'email', email,
       'created_at', created_at) AS data
FROM tb_user;
INSERT INTO tb_user (id, name, email, created_at)
SELECT ('00000000-0000-0000-0000-0000000000' || lpad(n::text, 2, '0'))::uuid, 'User ' || n,
       'user' || n || '@example.com', timestamptz '2024-01-01' + n * interval '1 day'
FROM generate_series(1, 25) n;
