-- session-audit: the tables and columns visible on the search path, for the pre-flight
-- schema check (missing tables, missing columns, look-alike tables) and for fix-sql, which
-- must give every NOT NULL column without a database default a value.
SELECT c.table_name::text AS table_name,
       c.column_name::text AS column_name,
       c.data_type::text AS data_type,
       c.is_nullable::text AS is_nullable,
       c.column_default::text AS column_default,
       CASE WHEN c.is_identity = 'YES' OR c.column_default LIKE 'nextval(%' THEN 'YES' ELSE 'NO' END AS is_generated
FROM information_schema.columns AS c
WHERE c.table_schema = ANY (current_schemas(false))
ORDER BY c.table_name, c.ordinal_position
