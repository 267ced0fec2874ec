-- The sessions' load on SQLite: the same answer as session_load.sql (see there for what each
-- count means), shaped for SQLite's planner (issue 17, docs/performance.md):
--   the bookings are grouped by session from a sequential read and a sort: `+ 0` on the key
--      keeps SQLite from walking the foreign-key index in session order, which fetches every
--      booking row at random (2.2 s against 0.7 s for the grouping alone at 1M);
--   the groups then drive the join, each finding its session by primary key; the sessions
--      without a booking (NOT EXISTS through the foreign-key index) join them as groups of
--      zero. With the sessions on the left (session_load.sql), SQLite must index the grouped
--      bookings before it can join them, and with `+ 0` it stops doing that and plans a nested
--      loop of 400k × 400k rows: never write that. (RIGHT JOIN is as fast, but needs SQLite
--      3.39, newer than the sqlite3 shell of Ubuntu 22.04 or RHEL 9.)
--   only integer keys are grouped: `+ 0` would read a stray text such as '12x' as 12 and
--      count it for session 12, which session_load.sql's comparison never matches (the booking
--      join reports it as dangling instead);
--   1M bookings, 400k sessions: 1.4 s against 3.1-4.3 s for session_load.sql.
-- Run by hand: session-audit sql --backend sqlite capacity > audit.sql, then
--   sqlite3 -readonly db.sqlite3 < audit.sql
SELECT COUNT(CASE WHEN x.counted = 1 AND x.current_participants <> x.active THEN 1 END) AS count_mismatch,
       COUNT(CASE WHEN x.counted = 1 AND x.active > x.max_participants THEN 1 END) AS over_capacity,
       COUNT(CASE WHEN x.counted = 1 AND x.individual = 1 AND x.active > 1 THEN 1 END) AS individual_overbooked,
       COUNT(CASE WHEN x.counted = 1 AND x.individual = 1 AND x.max_participants <> 1 THEN 1 END) AS individual_max_not_one,
       COUNT(CASE WHEN x.counted = 1
                   AND (x.current_participants <> x.active
                        OR x.active > x.max_participants
                        OR (x.individual = 1 AND (x.active > 1 OR x.max_participants <> 1)))
                  THEN 1 END) AS sessions_with_capacity_problems,
       COUNT(CASE WHEN x.individual = 1 THEN 1 END) AS individual_sessions,
       COUNT(CASE WHEN x.individual = 1 AND x.bookings = 0 THEN 1 END) AS orphan_sessions,
       COUNT(CASE WHEN x.individual = 1 AND x.draft = 0 AND x.without_legacy_start > 0 THEN 1 END) AS sessions_losing_schedule,
       COUNT(CASE WHEN x.canceled = 1 THEN 1 END) AS canceled_sessions,
       COUNT(CASE WHEN x.draft = 1 THEN 1 END) AS draft_sessions_without_times
FROM (
    SELECT CASE WHEN :exact_session_type IN (:individual_type)
                 AND :exact_visibility IN (:individual_visibility) THEN 1 ELSE 0 END AS individual,
           CASE WHEN :session_status IN (:canceled_session_statuses) THEN 1 ELSE 0 END AS canceled,
           CASE WHEN :session_status IN (:draft_session_statuses) AND s.start_time IS NULL THEN 1 ELSE 0 END AS draft,
           CASE WHEN :session_status IN (:canceled_session_statuses)
                  OR (:session_status IN (:draft_session_statuses) AND s.start_time IS NULL)
                THEN 0 ELSE 1 END AS counted,
           :max_participants AS max_participants,
           :current_participants AS current_participants,
           COALESCE(a.bookings, 0) AS bookings,
           COALESCE(a.active, 0) AS active,
           COALESCE(a.without_legacy_start, 0) AS without_legacy_start
    FROM (
        SELECT b.service_session_id + 0 AS session_id,
               COUNT(*) AS bookings,
               COUNT(CASE WHEN b.status IS NULL OR :exact_status NOT IN (:canceled_statuses) THEN 1 END) AS active,
               COUNT(CASE WHEN :legacy_start IS NULL THEN 1 END) AS without_legacy_start
        FROM :"bookings" AS b
        WHERE typeof(b.service_session_id) = 'integer'
        GROUP BY b.service_session_id + 0
        UNION ALL
        SELECT e.id, 0, 0, 0
        FROM :"sessions" AS e
        WHERE NOT EXISTS (SELECT 1 FROM :"bookings" AS b WHERE b.service_session_id = e.id)
    ) AS a
    JOIN :"sessions" AS s ON s.id = a.session_id
) AS x
