-- (a) one object by id, over the base table. :p1 = the user's UUID (pgbench -D p1=...).
SELECT u.id, u.email, u.first_name FROM tb_user u WHERE u.id = :p1::uuid;
