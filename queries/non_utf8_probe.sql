-- When a text value is not UTF-8 (SQLite keeps whatever bytes were written): the rows of one
-- column that hold anything but printable ASCII, as bytes, so session-audit can say which row
-- is broken. Few rows in a healthy table; run only after a check failed to read such a value.
-- :"source" is the table, :value_column the column, :id_column its id.
SELECT :id_column AS id, CAST(:value_column AS BLOB) AS raw
FROM :"source" AS t
WHERE :value_column IS NOT NULL
  AND CAST(:value_column AS BLOB) GLOB CAST('*[^ -~]*' AS BLOB)
LIMIT 1000
