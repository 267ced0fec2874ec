-- duplicate-times: workshop and course sessions that share (service_id, start_time).
-- Unlike the guide's query, sessions with a NULL start_time (or NULL service_id) are left out:
-- NULL is "not scheduled yet", not a time two sessions can share. Individual sessions may
-- share times and are never reported. Canceled sessions (the session table's lifecycle
-- :session_status, NULL where the table has none) take no part: a canceled workshop and the
-- session that replaced it at the same time are not duplicates.
-- SQLite keeps datetimes as text in several forms, so start_utc normalizes them to UTC
-- ('2025-01-15 14:00:00' and '2025-01-15T16:00:00+02:00' are one instant), exactly as
-- type_distribution.sqlite.sql does. Groups whose start_utc is NULL hold values that are not
-- timestamps: they are returned too, so session-audit refuses them instead of skipping them.
-- Run by hand: replace :"sessions" and :exclusive_time_types, run in the sqlite3 shell.
SELECT CAST(s.service_id AS BIGINT) AS service_id,
       s.start_utc AS start_time,
       COUNT(*) AS count,
       group_concat(s.id, ',') AS session_ids
FROM (
    SELECT id, service_id,
           CASE WHEN typeof(start_time) = 'text' AND length(start_time) >= 19
                THEN strftime('%Y-%m-%d %H:%M:%f', start_time)
           END AS start_utc
    FROM :"sessions" AS s
    WHERE session_type IN (:exclusive_time_types)
      AND start_time IS NOT NULL
      AND service_id IS NOT NULL
      AND CASE WHEN :session_status IN (:canceled_session_statuses) THEN 1 ELSE 0 END = 0
    -- LIMIT -1 keeps SQLite from flattening this subquery, which would evaluate strftime once
    -- per reference to start_utc instead of once per row (1.1 s -> 0.6 s on 400k sessions).
    LIMIT -1
) AS s
GROUP BY s.service_id, s.start_utc
HAVING COUNT(*) > 1 OR s.start_utc IS NULL
