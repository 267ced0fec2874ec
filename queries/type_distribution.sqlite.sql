-- type-distribution: sessions per (session_type, visibility), with their time span.
-- The guide's "Check Session Type Distribution" query. SQLite keeps Django's datetimes as text
-- in several forms ('2025-01-15 14:00:00', '2025-01-15T14:00:00Z', '…+02:00'), so times are
-- normalized to UTC with strftime before comparing them (millisecond precision), and values
-- that are not timestamps are counted, never silently skipped.
-- Run by hand: replace :"sessions" with the table name and run in the sqlite3 shell.
SELECT s.session_type AS session_type,
       s.visibility AS visibility,
       COUNT(*) AS count,
       MIN(strftime('%Y-%m-%d %H:%M:%f', s.start_time)) AS earliest,
       MAX(strftime('%Y-%m-%d %H:%M:%f', s.start_time)) AS latest,
       COUNT(CASE
               WHEN s.start_time IS NOT NULL
                AND (typeof(s.start_time) <> 'text'
                     OR length(s.start_time) < 19
                     OR strftime('%Y-%m-%d %H:%M:%f', s.start_time) IS NULL)
               THEN 1
             END) AS unreadable_times
FROM :"sessions" AS s
GROUP BY s.session_type, s.visibility
