-- orphan-sessions: the first ids of individual/private sessions with no booking.
SELECT CAST(s.id AS BIGINT) AS id
FROM :"sessions" AS s
WHERE s.session_type IN (:individual_type)
  AND s.visibility IN (:individual_visibility)
  AND NOT EXISTS (SELECT 1 FROM :"bookings" AS b WHERE b.service_session_id = s.id)
ORDER BY s.id
LIMIT :sample_limit
