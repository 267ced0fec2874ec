-- session-time-range: sessions whose end is not after their start, or whose duration (in
-- minutes) disagrees with end - start. :duration is s."duration", or NULL where the column
-- does not exist. Times are compared as julianday() (UTC; half a second of slack for
-- floating point); text that is not a full date and time is counted in unreadable.
SELECT COUNT(CASE WHEN t.je <= t.js THEN 1 END) AS end_not_after_start,
       COUNT(CASE WHEN t.je > t.js AND t.d IS NOT NULL AND abs(t.d * 60.0 - (t.je - t.js) * 86400.0) > 0.5 THEN 1 END) AS duration_mismatch,
       COUNT(CASE WHEN t.je <= t.js
                   OR (t.je > t.js AND t.d IS NOT NULL AND abs(t.d * 60.0 - (t.je - t.js) * 86400.0) > 0.5) THEN 1 END) AS sessions,
       COUNT(CASE WHEN (t.start_time IS NOT NULL AND t.js IS NULL) OR (t.end_time IS NOT NULL AND t.je IS NULL) THEN 1 END) AS unreadable
FROM (
    SELECT s.start_time, s.end_time, :duration AS d,
           CASE WHEN typeof(s.start_time) = 'text' AND length(s.start_time) >= 19 THEN julianday(s.start_time) END AS js,
           CASE WHEN typeof(s.end_time) = 'text' AND length(s.end_time) >= 19 THEN julianday(s.end_time) END AS je
    FROM :"sessions" AS s
    -- LIMIT -1 keeps SQLite from flattening this subquery, which would evaluate julianday()
    -- once per reference to js and je (eleven) instead of once per row (1.7 s -> 0.5 s on
    -- 400k sessions).
    LIMIT -1
) AS t
