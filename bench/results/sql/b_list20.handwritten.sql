-- (b) a list of 20 with 3 scalar fields, over the base table.
SELECT u.id, u.email, u.first_name FROM tb_user u ORDER BY u.created_at ASC LIMIT 20;
