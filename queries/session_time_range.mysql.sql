-- session-time-range (see session_time_range.postgres.sql), for MySQL/MariaDB.
SELECT COUNT(CASE WHEN t.end_not_after_start THEN 1 END) AS end_not_after_start,
       COUNT(CASE WHEN t.duration_mismatch THEN 1 END) AS duration_mismatch,
       COUNT(CASE WHEN t.end_not_after_start OR t.duration_mismatch THEN 1 END) AS sessions,
       0 AS unreadable
FROM (
    SELECT (s.end_time <= s.start_time) AS end_not_after_start,
           (s.end_time > s.start_time AND :duration IS NOT NULL
            AND :duration * 60000000 <> TIMESTAMPDIFF(MICROSECOND, s.start_time, s.end_time)) AS duration_mismatch
    FROM :"sessions" AS s
) AS t
