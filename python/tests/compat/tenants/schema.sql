-- Multi-tenant locations (compat corpus): the tables and create_location of the original's
-- examples/context_parameters/schema.sql. Adapted: the original's function set a
-- nonexistent `object_data` field of mutation_response (it could not run); it returns
-- entity/metadata here, and statuses of the taxonomy (`validation:`, `unauthorized:`).
-- The view filters on the session variable app.tenant_id that the native server sets from
-- the token's tenant_id claim (the original passed tenant_id explicitly).
CREATE SCHEMA app;
CREATE TYPE app.mutation_response AS (
    status TEXT, message TEXT, entity_id TEXT, entity_type TEXT, entity JSONB,
    updated_fields TEXT[], cascade JSONB, metadata JSONB);
CREATE TABLE tb_organization (
    pk_organization INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id UUID UNIQUE NOT NULL DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL, active BOOLEAN DEFAULT true);
CREATE TABLE tb_user (
    pk_user INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id UUID UNIQUE NOT NULL DEFAULT gen_random_uuid(),
    fk_organization INT NOT NULL REFERENCES tb_organization(pk_organization),
    email VARCHAR(255) NOT NULL UNIQUE, name VARCHAR(255) NOT NULL, active BOOLEAN DEFAULT true);
CREATE TABLE tb_location (
    pk_location INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id UUID UNIQUE NOT NULL DEFAULT gen_random_uuid(),
    fk_organization INT NOT NULL REFERENCES tb_organization(pk_organization),
    fk_created_by INT NOT NULL REFERENCES tb_user(pk_user),
    name VARCHAR(255) NOT NULL, address TEXT NOT NULL,
    latitude NUMERIC(10, 8), longitude NUMERIC(11, 8));
CREATE VIEW app.v_location AS
SELECT l.id, jsonb_build_object('id', l.id, 'name', l.name, 'address', l.address,
       'latitude', l.latitude, 'longitude', l.longitude) AS data
FROM tb_location l
WHERE l.fk_organization = nullif(current_setting('app.tenant_id', true), '')::int;

CREATE FUNCTION app.create_location(
    input_pk_organization INT, input_created_by INT, input_json JSONB
) RETURNS app.mutation_response LANGUAGE plpgsql AS $$
DECLARE
    v_location_id UUID;
    v_result app.mutation_response;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tb_user WHERE pk_user = input_created_by
                   AND fk_organization = input_pk_organization AND active) THEN
        v_result.status := 'unauthorized:user';
        v_result.message := 'User not authorized for this organization';
        RETURN v_result;
    END IF;
    IF input_json->>'name' IS NULL OR input_json->>'address' IS NULL THEN
        v_result.status := 'validation:required';
        v_result.message := 'Name and address are required';
        RETURN v_result;
    END IF;
    INSERT INTO tb_location (fk_organization, fk_created_by, name, address, latitude, longitude)
    VALUES (input_pk_organization, input_created_by, input_json->>'name',
            input_json->>'address', (input_json->>'latitude')::NUMERIC,
            (input_json->>'longitude')::NUMERIC)
    RETURNING id INTO v_location_id;
    v_result.status := 'success';
    v_result.message := 'Location created successfully';
    v_result.entity_id := v_location_id::text;
    v_result.metadata := jsonb_build_object('location_id', v_location_id);
    RETURN v_result;
END $$;

INSERT INTO tb_organization (name) VALUES ('Acme'), ('Globex');
INSERT INTO tb_user (fk_organization, email, name) VALUES
    (1, 'ann@acme.test', 'Ann'), (2, 'gus@globex.test', 'Gus');
INSERT INTO tb_location (id, fk_organization, fk_created_by, name, address, latitude, longitude)
VALUES ('cccccccc-0000-0000-0000-000000000001', 1, 1, 'Acme HQ', '1 Main St', 48.85, 2.35),
       ('cccccccc-0000-0000-0000-000000000002', 2, 2, 'Globex HQ', '2 Side St', 40.71, -74.0);
