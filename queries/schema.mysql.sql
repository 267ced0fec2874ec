-- session-audit: the tables and columns of the connected database, for the pre-flight schema
-- check (missing tables, missing columns, look-alike tables) and for fix-sql, which must give
-- every NOT NULL column without a database default a value.
SELECT c.TABLE_NAME AS table_name,
       c.COLUMN_NAME AS column_name,
       c.DATA_TYPE AS data_type,
       c.IS_NULLABLE AS is_nullable,
       c.COLUMN_DEFAULT AS column_default,
       CASE WHEN c.EXTRA LIKE '%auto_increment%' THEN 'YES' ELSE 'NO' END AS is_generated
FROM information_schema.COLUMNS AS c
WHERE c.TABLE_SCHEMA = DATABASE()
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION
