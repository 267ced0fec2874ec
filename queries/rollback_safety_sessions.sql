-- rollback-safety: how many individual/private sessions have a booking that would lose its
-- schedule in a rollback of services.0019 (the sessions of rollback_safety_sample.sql). Run
-- only when the booking join counted such bookings: a session loses a schedule exactly when
-- one of its bookings does, so none of them means none of these.
SELECT COUNT(*) AS count
FROM (
    SELECT DISTINCT s.id AS id
    FROM :"sessions" AS s
    JOIN :"bookings" AS b ON b.service_session_id = s.id
    WHERE :exact_session_type IN (:individual_type)
      AND :exact_visibility IN (:individual_visibility)
      AND :legacy_start IS NULL
      AND CASE WHEN :session_status IN (:draft_session_statuses) AND s.start_time IS NULL THEN 1 ELSE 0 END = 0
) AS losing
