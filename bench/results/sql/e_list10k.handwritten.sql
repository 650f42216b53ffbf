-- (e) a 10,000-row list with 3 scalar fields.
SELECT p.id, p.title, p.views FROM tb_post p ORDER BY p.published_at ASC LIMIT 10000;
