-- reminder-readiness: active bookings grouped by whether their effective start time is missing
-- and whether it lies ahead (see reminder_readiness.postgres.sql). SQLite times are text:
-- normalized to UTC before comparing with now; text that is not a full date and time is
-- counted in unreadable and refused.
SELECT n.has_session AS has_session,
       n.status AS status,
       (n.effective_start IS NULL) AS start_missing,
       (n.start_utc > strftime('%Y-%m-%d %H:%M:%f', 'now')) IS TRUE AS upcoming,
       COUNT(*) AS count,
       COUNT(CASE WHEN n.effective_start IS NOT NULL AND n.start_utc IS NULL THEN 1 END) AS unreadable
FROM (
    SELECT e.has_session, e.status, e.effective_start,
           CASE WHEN typeof(e.effective_start) = 'text' AND length(e.effective_start) >= 19
                THEN strftime('%Y-%m-%d %H:%M:%f', e.effective_start)
           END AS start_utc
    FROM (
        SELECT (b.service_session_id IS NOT NULL) AS has_session,
               b.status AS status,
               CASE WHEN b.service_session_id IS NOT NULL THEN s.start_time ELSE :legacy_start END AS effective_start
        FROM :"bookings" AS b
        LEFT JOIN :"sessions" AS s ON s.id = b.service_session_id
        WHERE b.status IS NULL OR :exact_status NOT IN (:inactive_statuses)
    ) AS e
) AS n
GROUP BY n.has_session, n.status, (n.effective_start IS NULL), (n.start_utc > strftime('%Y-%m-%d %H:%M:%f', 'now')) IS TRUE
