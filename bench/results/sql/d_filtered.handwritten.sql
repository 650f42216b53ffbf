-- (d) a filtered list: the posts of one author (by the author's UUID, :p1) with at least :p2
-- views, newest first.
SELECT p.id, p.title, p.published_at, p.views
FROM tb_post p JOIN tb_user a ON a.pk_user = p.fk_author
WHERE a.id = :p1::uuid AND p.views >= :p2::int8
ORDER BY p.published_at DESC;
