-- type-distribution (see type_distribution.postgres.sql), for MySQL/MariaDB: values are grouped
-- as binary strings so 'Workshop' and 'workshop ' stay apart from 'workshop' whatever the
-- column's collation. DATETIME(6) holds UTC (Django's convention); shown as text.
SELECT CAST(s.session_type AS BINARY) AS session_type,
       CAST(s.visibility AS BINARY) AS visibility,
       COUNT(*) AS count,
       CAST(MIN(s.start_time) AS CHAR) AS earliest,
       CAST(MAX(s.start_time) AS CHAR) AS latest,
       0 AS unreadable_times
FROM :"sessions" AS s
GROUP BY CAST(s.session_type AS BINARY), CAST(s.visibility AS BINARY)
