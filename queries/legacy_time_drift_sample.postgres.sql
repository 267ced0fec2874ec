-- legacy-time-drift: the first ids of drifted bookings (see booking_join.postgres.sql).
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT CAST(b.id AS BIGINT) AS id
FROM :"bookings" AS b
JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE (b.start_time IS NOT NULL
       AND (s.start_time IS NULL OR abs(EXTRACT(EPOCH FROM (b.start_time - s.start_time))) > :tolerance_seconds))
   OR (b.end_time IS NOT NULL
       AND (s.end_time IS NULL OR abs(EXTRACT(EPOCH FROM (b.end_time - s.end_time))) > :tolerance_seconds))
ORDER BY b.id + 0
LIMIT :sample_limit
