-- session-audit: the tables and columns of the connected database, for the pre-flight schema
-- check (missing tables, missing columns, look-alike tables).
SELECT c.TABLE_NAME AS table_name,
       c.COLUMN_NAME AS column_name,
       c.DATA_TYPE AS data_type
FROM information_schema.COLUMNS AS c
WHERE c.TABLE_SCHEMA = DATABASE()
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION
