-- When a check met NULL where it needs a value (a NOT NULL column Django fills in Python, left
-- empty by a hand edit or an old migration): the first rows of one column that hold NULL, to
-- name them. Run only after a check refused such a value, once per column the check reads.
-- :"source" is the table, :value_column the column, :id_column its id.
SELECT :id_column AS id
FROM :"source" AS t
WHERE :value_column IS NULL
ORDER BY :id_column
LIMIT 5
