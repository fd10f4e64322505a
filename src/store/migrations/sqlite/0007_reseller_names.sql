-- 0007 One reseller per name, whatever its letter case: the service checks before writing, and
-- this index makes two simultaneous creates (or renames) of the same name fail in the database.
-- Names that already clash keep their first holder (by id); the others get their id appended,
-- so the operator can see and rename them.

UPDATE resellers SET name = name || ' (' || id || ')'
WHERE id NOT IN (SELECT min(id) FROM resellers GROUP BY lower(name));
CREATE UNIQUE INDEX resellers_name_lower ON resellers (lower(name));
