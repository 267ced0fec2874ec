-- orphan-sessions: the first ids of individual/private sessions with no booking.
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT s.id AS id
FROM :"sessions" AS s
WHERE :exact_session_type IN (:individual_type)
  AND :exact_visibility IN (:individual_visibility)
  AND NOT EXISTS (SELECT 1 FROM :"bookings" AS b WHERE b.service_session_id = s.id)
ORDER BY s.id + 0
LIMIT :sample_limit
