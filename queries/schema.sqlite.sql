-- session-audit: the tables and columns of the main database, for the pre-flight schema check
-- (missing tables, missing columns, look-alike tables) and for fix-sql, which must give every
-- NOT NULL column without a database default a value. An INTEGER PRIMARY KEY is the rowid,
-- which SQLite generates and keeps an integer, unless it is declared DESC, is one column of a
-- composite key, or its table is WITHOUT ROWID: then SQLite indexes the key apart (an index
-- of origin 'pk'), the column is an ordinary one, and it may hold text or a REAL.
SELECT m.name AS table_name,
       p.name AS column_name,
       p.type AS data_type,
       CASE WHEN p."notnull" = 1 OR p.pk > 0 THEN 'NO' ELSE 'YES' END AS is_nullable,
       p.dflt_value AS column_default,
       CASE WHEN p.pk = 1 AND upper(p.type) = 'INTEGER'
                 AND NOT EXISTS (SELECT 1 FROM pragma_index_list(m.name) AS i WHERE i.origin = 'pk')
            THEN 'YES' ELSE 'NO' END AS is_generated
FROM sqlite_schema AS m
JOIN pragma_table_info(m.name) AS p
WHERE m.type IN ('table', 'view')
ORDER BY m.name, p.cid
