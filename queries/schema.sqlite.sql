-- session-audit: the tables and columns of the main database, for the pre-flight schema check
-- (missing tables, missing columns, look-alike tables).
SELECT m.name AS table_name,
       p.name AS column_name,
       p.type AS data_type
FROM sqlite_schema AS m
JOIN pragma_table_info(m.name) AS p
WHERE m.type IN ('table', 'view')
ORDER BY m.name, p.cid
