-- orphan-sessions: the first ids of individual/private sessions with no booking.
SELECT s.id AS id
FROM :"sessions" AS s
WHERE :exact_session_type IN (:individual_type)
  AND :exact_visibility IN (:individual_visibility)
  AND NOT EXISTS (SELECT 1 FROM :"bookings" AS b WHERE b.service_session_id = s.id)
ORDER BY s.id
LIMIT :sample_limit
