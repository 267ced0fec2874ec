-- service-mismatch: the first ids of bookings whose service differs from their session's.
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT b.id AS id
FROM :"bookings" AS b
JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE b.service_id <> s.service_id
   OR (b.service_id IS NULL AND s.service_id IS NOT NULL)
   OR (b.service_id IS NOT NULL AND s.service_id IS NULL)
ORDER BY b.id + 0
LIMIT :sample_limit
