-- Catalog (compat corpus): products, variants and images after the original's
-- examples/ecommerce_api/db/migrations/001_initial_schema.sql, reduced; the view builds one
-- JSONB document per product with its nested category, variants (with money objects) and
-- images, and exposes sku/status/is_featured as columns for filters.
CREATE TABLE tb_category (id uuid PRIMARY KEY, name text NOT NULL, slug text NOT NULL);
CREATE TABLE tb_product (
    id uuid PRIMARY KEY, sku text NOT NULL UNIQUE, name text NOT NULL, status text NOT NULL,
    description text, category_id uuid REFERENCES tb_category, brand text,
    tags text[] NOT NULL DEFAULT '{}', is_featured boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL);
CREATE TABLE tb_variant (
    sku text PRIMARY KEY, product_id uuid NOT NULL REFERENCES tb_product, name text NOT NULL,
    price numeric(12, 2) NOT NULL, compare_at numeric(12, 2), currency text NOT NULL,
    attributes jsonb NOT NULL DEFAULT '{}');
CREATE TABLE tb_image (
    product_id uuid NOT NULL REFERENCES tb_product, url text NOT NULL, alt_text text,
    position int NOT NULL, is_primary boolean NOT NULL);
CREATE VIEW v_product AS
SELECT p.id, p.sku, p.status, p.is_featured, p.created_at,
  jsonb_build_object(
    'id', p.id, 'sku', p.sku, 'name', p.name, 'status', p.status,
    'description', p.description, 'brand', p.brand, 'tags', to_jsonb(p.tags),
    'is_featured', p.is_featured, 'created_at', p.created_at,
    'category', (SELECT jsonb_build_object('id', c.id, 'name', c.name, 'slug', c.slug)
                 FROM tb_category c WHERE c.id = p.category_id),
    'variants', coalesce((SELECT jsonb_agg(jsonb_build_object(
        'sku', v.sku, 'name', v.name,
        'price', jsonb_build_object('amount', v.price, 'currency', v.currency),
        'compare_at_price', CASE WHEN v.compare_at IS NOT NULL THEN
            jsonb_build_object('amount', v.compare_at, 'currency', v.currency) END,
        'attributes', v.attributes) ORDER BY v.sku)
      FROM tb_variant v WHERE v.product_id = p.id), '[]'::jsonb),
    'images', coalesce((SELECT jsonb_agg(jsonb_build_object(
        'url', i.url, 'alt_text', i.alt_text, 'position', i.position,
        'is_primary', i.is_primary) ORDER BY i.position)
      FROM tb_image i WHERE i.product_id = p.id), '[]'::jsonb)) AS data
FROM tb_product p;

INSERT INTO tb_category VALUES
 ('eeeeeeee-0000-0000-0000-000000000001', 'Shoes', 'shoes');
INSERT INTO tb_product VALUES
 ('bbbbbbbb-0000-0000-0000-000000000001', 'RUN-1', 'Runner', 'ACTIVE', 'Light shoe',
  'eeeeeeee-0000-0000-0000-000000000001', 'Fleet', '{running,road}', true, '2024-05-01'),
 ('bbbbbbbb-0000-0000-0000-000000000002', 'TRL-2', 'Trail', 'ACTIVE', NULL,
  'eeeeeeee-0000-0000-0000-000000000001', NULL, '{trail}', false, '2024-05-02'),
 ('bbbbbbbb-0000-0000-0000-000000000003', 'OLD-3', 'Classic', 'DISCONTINUED', NULL, NULL,
  'Fleet', '{}', false, '2023-01-01');
INSERT INTO tb_variant VALUES
 ('RUN-1-42', 'bbbbbbbb-0000-0000-0000-000000000001', 'EU 42', 89.90, 119.00, 'EUR',
  '{"size": 42, "color": "blue"}'),
 ('RUN-1-43', 'bbbbbbbb-0000-0000-0000-000000000001', 'EU 43', 89.90, NULL, 'EUR',
  '{"size": 43}'),
 ('TRL-2-42', 'bbbbbbbb-0000-0000-0000-000000000002', 'EU 42', 120.00, NULL, 'USD', '{}');
INSERT INTO tb_image VALUES
 ('bbbbbbbb-0000-0000-0000-000000000001', 'https://img.test/run-1.jpg', 'Runner', 1, true),
 ('bbbbbbbb-0000-0000-0000-000000000001', 'https://img.test/run-2.jpg', NULL, 2, false);
