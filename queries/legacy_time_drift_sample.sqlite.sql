-- legacy-time-drift: the first ids of drifted bookings (see booking_join.sqlite.sql).
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT CAST(b.id AS BIGINT) AS id
FROM :"bookings" AS b
JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE (b.start_time IS NOT NULL
       AND (s.start_time IS NULL OR abs(julianday(b.start_time) - julianday(s.start_time)) * 86400.0 > :tolerance_seconds + 0.0005))
   OR (b.end_time IS NOT NULL
       AND (s.end_time IS NULL OR abs(julianday(b.end_time) - julianday(s.end_time)) * 86400.0 > :tolerance_seconds + 0.0005))
ORDER BY b.id + 0
LIMIT :sample_limit
