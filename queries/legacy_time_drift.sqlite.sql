-- legacy-time-drift: bookings whose legacy start/end time disagrees with their session's by
-- more than :tolerance_seconds. A legacy time whose session has none is drift too; a booking
-- with no legacy time has nothing to disagree with. SQLite keeps times as text in several
-- forms, so they are compared as julianday() (UTC, millisecond precision: differences under
-- half a millisecond are not drift); text that is not a full date and time is counted in
-- unreadable and refused.
SELECT COUNT(CASE WHEN d.start_drift OR d.end_drift THEN 1 END) AS drifted,
       COUNT(CASE WHEN d.start_drift THEN 1 END) AS start_drift,
       COUNT(CASE WHEN d.end_drift THEN 1 END) AS end_drift,
       COUNT(CASE WHEN d.unreadable THEN 1 END) AS unreadable
FROM (
    SELECT (t.bs IS NOT NULL AND (t.ss IS NULL OR abs(t.bs - t.ss) * 86400.0 > :tolerance_seconds + 0.0005)) AS start_drift,
           (t.be IS NOT NULL AND (t.se IS NULL OR abs(t.be - t.se) * 86400.0 > :tolerance_seconds + 0.0005)) AS end_drift,
           ((t.b_start IS NOT NULL AND t.bs IS NULL) OR (t.s_start IS NOT NULL AND t.ss IS NULL)
            OR (t.b_end IS NOT NULL AND t.be IS NULL) OR (t.s_end IS NOT NULL AND t.se IS NULL)) AS unreadable
    FROM (
        SELECT b.start_time AS b_start, s.start_time AS s_start, b.end_time AS b_end, s.end_time AS s_end,
               CASE WHEN typeof(b.start_time) = 'text' AND length(b.start_time) >= 19 THEN julianday(b.start_time) END AS bs,
               CASE WHEN typeof(s.start_time) = 'text' AND length(s.start_time) >= 19 THEN julianday(s.start_time) END AS ss,
               CASE WHEN typeof(b.end_time) = 'text' AND length(b.end_time) >= 19 THEN julianday(b.end_time) END AS be,
               CASE WHEN typeof(s.end_time) = 'text' AND length(s.end_time) >= 19 THEN julianday(s.end_time) END AS se
        FROM :"bookings" AS b
        JOIN :"sessions" AS s ON s.id = b.service_session_id
    ) AS t
) AS d
