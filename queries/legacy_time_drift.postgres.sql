-- legacy-time-drift: bookings whose legacy start/end time disagrees with their session's by
-- more than :tolerance_seconds. A legacy time whose session has none is drift too (the
-- session lost the time); a booking with no legacy time has nothing to disagree with.
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession \
--   -v tolerance_seconds=0 -f queries/legacy_time_drift.postgres.sql
SELECT COUNT(*) AS drifted,
       COUNT(CASE WHEN d.start_drift THEN 1 END) AS start_drift,
       COUNT(CASE WHEN d.end_drift THEN 1 END) AS end_drift,
       CAST(0 AS BIGINT) AS unreadable
FROM (
    SELECT (b.start_time IS NOT NULL
            AND (s.start_time IS NULL
                 OR abs(EXTRACT(EPOCH FROM (b.start_time - s.start_time))) > :tolerance_seconds)) AS start_drift,
           (b.end_time IS NOT NULL
            AND (s.end_time IS NULL
                 OR abs(EXTRACT(EPOCH FROM (b.end_time - s.end_time))) > :tolerance_seconds)) AS end_drift
    FROM :"bookings" AS b
    JOIN :"sessions" AS s ON s.id = b.service_session_id
) AS d
WHERE d.start_drift OR d.end_drift
