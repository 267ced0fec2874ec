-- The booking join (see booking_join.postgres.sql), for MySQL/MariaDB: statuses grouped and
-- compared as binary strings (:exact_status), "now" is UTC_TIMESTAMP as the DATETIME columns
-- hold UTC, and time differences are taken in microseconds with TIMESTAMPDIFF.
SELECT e.has_session AS has_session,
       e.status AS status,
       (e.effective_start IS NULL) AS start_missing,
       (e.effective_start > UTC_TIMESTAMP(6)) IS TRUE AS upcoming,
       COUNT(*) AS bookings,
       0 AS unreadable_start,
       COUNT(CASE WHEN e.dangling THEN 1 END) AS dangling,
       COUNT(CASE WHEN e.service_mismatch THEN 1 END) AS service_mismatch,
       COUNT(CASE WHEN e.start_drift OR e.end_drift THEN 1 END) AS drifted,
       COUNT(CASE WHEN e.start_drift THEN 1 END) AS start_drift,
       COUNT(CASE WHEN e.end_drift THEN 1 END) AS end_drift,
       0 AS unreadable_drift,
       COUNT(CASE WHEN e.individual THEN 1 END) AS individual,
       COUNT(CASE WHEN e.individual AND e.legacy_start_missing AND e.awaiting = 0 THEN 1 END) AS individual_losing,
       COUNT(CASE WHEN e.awaiting = 1 THEN 1 END) AS awaiting_schedule
FROM (
    SELECT (b.service_session_id IS NOT NULL) AS has_session,
           :exact_status AS status,
           CASE WHEN b.service_session_id IS NOT NULL THEN s.start_time ELSE :legacy_start END AS effective_start,
           (b.service_session_id IS NOT NULL AND s.id IS NULL) AS dangling,
           (s.id IS NOT NULL
            AND (b.service_id <> s.service_id
                 OR (b.service_id IS NULL AND s.service_id IS NOT NULL)
                 OR (b.service_id IS NOT NULL AND s.service_id IS NULL))) AS service_mismatch,
           (s.id IS NOT NULL AND :legacy_start IS NOT NULL
            AND (s.start_time IS NULL
                 OR ABS(TIMESTAMPDIFF(MICROSECOND, s.start_time, :legacy_start)) > :tolerance_seconds * 1000000)) AS start_drift,
           (s.id IS NOT NULL AND :legacy_end IS NOT NULL
            AND (s.end_time IS NULL
                 OR ABS(TIMESTAMPDIFF(MICROSECOND, s.end_time, :legacy_end)) > :tolerance_seconds * 1000000)) AS end_drift,
           (s.id IS NOT NULL AND :exact_session_type IN (:individual_type)
            AND :exact_visibility IN (:individual_visibility)) AS individual,
           (:legacy_start IS NULL) AS legacy_start_missing,
           CASE WHEN :session_status IN (:draft_session_statuses) AND s.start_time IS NULL THEN 1 ELSE 0 END AS awaiting
    FROM :"bookings" AS b
    LEFT JOIN :"sessions" AS s ON s.id = b.service_session_id
) AS e
GROUP BY e.has_session, e.status, (e.effective_start IS NULL), (e.effective_start > UTC_TIMESTAMP(6)) IS TRUE
