-- duplicate-times: workshop and course sessions that share (service_id, start_time).
-- Unlike the guide's query, sessions with a NULL start_time (or NULL service_id) are left out:
-- NULL is "not scheduled yet", not a time two sessions can share. Individual sessions may
-- share times and are never reported.
-- SQLite keeps datetimes as text in several forms, so the same instant written two ways
-- ('2025-01-15 14:00:00' and '2025-01-15T16:00:00+02:00') is compared after normalizing to
-- UTC. Groups whose normalized time is NULL are values that are not timestamps: they are
-- returned too, so session-audit can refuse them instead of skipping them.
-- Run by hand: replace :"sessions" and :exclusive_time_types, run in the sqlite3 shell.
SELECT CAST(s.service_id AS BIGINT) AS service_id,
       strftime('%Y-%m-%d %H:%M:%f', s.start_time) AS start_time,
       COUNT(*) AS count,
       group_concat(s.id, ',') AS session_ids
FROM :"sessions" AS s
WHERE s.session_type IN (:exclusive_time_types)
  AND s.start_time IS NOT NULL
  AND s.service_id IS NOT NULL
GROUP BY s.service_id, strftime('%Y-%m-%d %H:%M:%f', s.start_time)
HAVING COUNT(*) > 1 OR strftime('%Y-%m-%d %H:%M:%f', s.start_time) IS NULL
