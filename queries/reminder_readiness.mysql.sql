-- reminder-readiness (see reminder_readiness.postgres.sql), for MySQL/MariaDB: statuses grouped
-- as binary strings; "now" is UTC_TIMESTAMP, as the DATETIME columns hold UTC.
SELECT e.has_session AS has_session,
       e.status AS status,
       (e.effective_start IS NULL) AS start_missing,
       (e.effective_start > UTC_TIMESTAMP(6)) IS TRUE AS upcoming,
       COUNT(*) AS count,
       0 AS unreadable
FROM (
    SELECT (b.service_session_id IS NOT NULL) AS has_session,
           CAST(b.status AS BINARY) AS status,
           CASE WHEN b.service_session_id IS NOT NULL THEN s.start_time ELSE :legacy_start END AS effective_start
    FROM :"bookings" AS b
    LEFT JOIN :"sessions" AS s ON s.id = b.service_session_id
    WHERE b.status IS NULL OR CAST(b.status AS BINARY) NOT IN (:inactive_statuses)
) AS e
GROUP BY e.has_session, e.status, (e.effective_start IS NULL), (e.effective_start > UTC_TIMESTAMP(6)) IS TRUE
