-- When a time is not a timestamp (SQLite keeps datetimes as text in any form): the first rows
-- of one column that no check can read as a date and time, to name them. Run only after a
-- check refused such a value. :"source" is the table, :value_column the column.
SELECT t.id AS id, CAST(:value_column AS TEXT) AS value
FROM :"source" AS t
WHERE :value_column IS NOT NULL
  AND (typeof(:value_column) <> 'text'
       OR length(:value_column) < 19
       OR strftime('%Y-%m-%d %H:%M:%f', :value_column) IS NULL)
ORDER BY t.id
LIMIT 5
