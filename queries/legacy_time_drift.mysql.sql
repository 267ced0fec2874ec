-- legacy-time-drift (see legacy_time_drift.postgres.sql), for MySQL/MariaDB: differences in
-- microseconds with TIMESTAMPDIFF.
SELECT COUNT(*) AS drifted,
       COUNT(CASE WHEN d.start_drift THEN 1 END) AS start_drift,
       COUNT(CASE WHEN d.end_drift THEN 1 END) AS end_drift,
       0 AS unreadable
FROM (
    SELECT (b.start_time IS NOT NULL
            AND (s.start_time IS NULL
                 OR ABS(TIMESTAMPDIFF(MICROSECOND, s.start_time, b.start_time)) > :tolerance_seconds * 1000000)) AS start_drift,
           (b.end_time IS NOT NULL
            AND (s.end_time IS NULL
                 OR ABS(TIMESTAMPDIFF(MICROSECOND, s.end_time, b.end_time)) > :tolerance_seconds * 1000000)) AS end_drift
    FROM :"bookings" AS b
    JOIN :"sessions" AS s ON s.id = b.service_session_id
) AS d
WHERE d.start_drift OR d.end_drift
