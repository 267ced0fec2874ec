-- session-audit: the tables and columns of the main database, for the pre-flight schema check
-- (missing tables, missing columns, look-alike tables) and for fix-sql, which must give every
-- NOT NULL column without a database default a value. An INTEGER PRIMARY KEY is the rowid:
-- SQLite generates it.
SELECT m.name AS table_name,
       p.name AS column_name,
       p.type AS data_type,
       CASE WHEN p."notnull" = 1 OR p.pk > 0 THEN 'NO' ELSE 'YES' END AS is_nullable,
       p.dflt_value AS column_default,
       CASE WHEN p.pk = 1 AND upper(p.type) = 'INTEGER' THEN 'YES' ELSE 'NO' END AS is_generated
FROM sqlite_schema AS m
JOIN pragma_table_info(m.name) AS p
WHERE m.type IN ('table', 'view')
ORDER BY m.name, p.cid
