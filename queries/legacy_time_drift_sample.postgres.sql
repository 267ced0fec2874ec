-- legacy-time-drift: the first ids of drifted bookings (see legacy_time_drift.postgres.sql).
SELECT CAST(b.id AS BIGINT) AS id
FROM :"bookings" AS b
JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE (b.start_time IS NOT NULL
       AND (s.start_time IS NULL OR abs(EXTRACT(EPOCH FROM (b.start_time - s.start_time))) > :tolerance_seconds))
   OR (b.end_time IS NOT NULL
       AND (s.end_time IS NULL OR abs(EXTRACT(EPOCH FROM (b.end_time - s.end_time))) > :tolerance_seconds))
ORDER BY b.id
LIMIT :sample_limit
