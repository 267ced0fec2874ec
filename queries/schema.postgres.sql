-- session-audit: the tables and columns visible on the search path, for the pre-flight
-- schema check (missing tables, missing columns, look-alike tables).
SELECT c.table_name::text AS table_name,
       c.column_name::text AS column_name,
       c.data_type::text AS data_type
FROM information_schema.columns AS c
WHERE c.table_schema = ANY (current_schemas(false))
ORDER BY c.table_name, c.ordinal_position
