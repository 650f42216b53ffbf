-- (c) a list of 20 posts with 4 scalar fields and the author (id, first name): one join.
SELECT p.id, p.title, p.published_at, p.views, a.id, a.first_name
FROM tb_post p JOIN tb_user a ON a.pk_user = p.fk_author
ORDER BY p.published_at DESC LIMIT 20;
