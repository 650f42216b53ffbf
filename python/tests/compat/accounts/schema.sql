-- Accounts (compat corpus): the functions the original's examples/mutations_demo/demo.py
-- calls (graphql.create_user, graphql.update_user_account, graphql.delete_user), written in
-- the style of its mutation_functions.sql (mutation_response, statuses created / updated /
-- deleted / conflict: / not_found: / noop:), plus graphql.archive_user.
CREATE SCHEMA graphql;
CREATE TABLE tb_user (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL,
    email text NOT NULL UNIQUE, role text NOT NULL DEFAULT 'user',
    archived boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL DEFAULT now());
CREATE VIEW graphql.v_user AS
SELECT id, email, jsonb_build_object('id', id, 'name', name, 'email', email, 'role', role,
       'created_at', created_at::text) AS data
FROM tb_user WHERE NOT archived;

CREATE FUNCTION graphql.user_doc(p_id uuid) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('id', id, 'name', name, 'email', email, 'role', role,
                              'created_at', created_at::text)
    FROM tb_user WHERE id = p_id $$;

CREATE FUNCTION graphql.create_user(input jsonb) RETURNS mutation_response
LANGUAGE plpgsql AS $$
DECLARE r mutation_response; v_id uuid; v_other uuid;
BEGIN
    SELECT id INTO v_other FROM tb_user WHERE email = input->>'email';
    IF v_other IS NOT NULL THEN
        r.status := 'conflict:email'; r.message := 'Email address already exists';
        r.metadata := jsonb_build_object('suggested_email', 'new.' || (input->>'email'),
                                         'conflict_user', graphql.user_doc(v_other));
        RETURN r;
    END IF;
    INSERT INTO tb_user (name, email, role)
    VALUES (input->>'name', input->>'email', coalesce(input->>'role', 'user'))
    RETURNING id INTO v_id;
    r.status := 'created'; r.message := 'User created successfully';
    r.entity_id := v_id::text; r.entity_type := 'User'; r.entity := graphql.user_doc(v_id);
    RETURN r;
END $$;

CREATE FUNCTION graphql.update_user_account(input jsonb) RETURNS mutation_response
LANGUAGE plpgsql AS $$
DECLARE r mutation_response; v_id uuid := (input->>'id')::uuid; cur tb_user;
        changed text[] := ARRAY[]::text[];
BEGIN
    SELECT * INTO cur FROM tb_user WHERE id = v_id;
    IF NOT FOUND THEN
        r.status := 'not_found:user'; r.message := 'User not found';
        r.metadata := jsonb_build_object('not_found', true);
        RETURN r;
    END IF;
    IF input ? 'name' AND input->>'name' IS DISTINCT FROM cur.name THEN
        UPDATE tb_user SET name = input->>'name' WHERE id = v_id; changed := array_append(changed, 'name');
    END IF;
    IF input ? 'role' AND input->>'role' IS DISTINCT FROM cur.role THEN
        UPDATE tb_user SET role = input->>'role' WHERE id = v_id; changed := array_append(changed, 'role');
    END IF;
    IF cardinality(changed) = 0 THEN
        r.status := 'noop:unchanged'; r.message := 'No fields were updated';
        RETURN r;
    END IF;
    r.status := 'updated'; r.message := 'User updated successfully';
    r.entity_id := v_id::text; r.entity := graphql.user_doc(v_id); r.updated_fields := changed;
    RETURN r;
END $$;

CREATE FUNCTION graphql.delete_user(input jsonb) RETURNS mutation_response
LANGUAGE plpgsql AS $$
DECLARE r mutation_response; v_doc jsonb := graphql.user_doc((input->>'id')::uuid);
BEGIN
    IF v_doc IS NULL THEN
        r.status := 'not_found:user'; r.message := 'User not found';
        r.metadata := jsonb_build_object('not_found', true);
        RETURN r;
    END IF;
    DELETE FROM tb_user WHERE id = (input->>'id')::uuid;
    r.status := 'deleted'; r.message := 'User deleted successfully'; r.entity := v_doc;
    RETURN r;
END $$;

-- Plain JSONB result: the entity (docs/mutations.md), an unknown id raises.
CREATE FUNCTION graphql.archive_user(input jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tb_user SET archived = true WHERE id = (input->>'id')::uuid;
    RETURN graphql.user_doc((input->>'id')::uuid);
END $$;

INSERT INTO tb_user (id, name, email, role, created_at) VALUES
 ('dddddddd-0000-0000-0000-000000000001', 'Ada', 'ada@example.com', 'admin', '2024-03-01'),
 ('dddddddd-0000-0000-0000-000000000002', 'Brian', 'brian@example.com', 'user', '2024-03-02');
