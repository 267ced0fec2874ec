-- rollback-safety: the first ids of individual/private sessions with a booking that would
-- lose its schedule in a rollback of services.0019 (a draft session without times has no
-- schedule to lose).
SELECT DISTINCT s.id AS id
FROM :"sessions" AS s
JOIN :"bookings" AS b ON b.service_session_id = s.id
WHERE :exact_session_type IN (:individual_type)
  AND :exact_visibility IN (:individual_visibility)
  AND :legacy_start IS NULL
  AND CASE WHEN :session_status IN (:draft_session_statuses) AND s.start_time IS NULL THEN 1 ELSE 0 END = 0
ORDER BY id
LIMIT :sample_limit
