-- The sessions' load on PostgreSQL: the same answer as session_load.sql (see there for what
-- each count means), shaped for PostgreSQL's planner (issue 17, docs/performance.md):
--   a: bookings per session from the foreign-key index alone (an index-only scan in session
--      order, grouped as it streams: no sort, no hash, no visit of the table);
--   c: the canceled bookings per session (a sequential read that keeps about one in ten);
--   active = a - c: a status IN the canceled ones is never NULL, so this is session_load.sql's
--      "NULL or NOT IN" to the booking;
--   sessions_losing_schedule is NULL: it would need a third grouping of the bookings (those
--      without a legacy start, most of them on some databases), so rollback-safety counts it
--      with rollback_safety_sessions.sql, and only when the booking join found a booking that
--      would lose its schedule. (MariaDB keeps it in session_load.sql: without that column its
--      optimizer stops reading each session's bookings through the index, 12 s instead of 5 s
--      at 1M.)
-- Run without parallel workers (the audit sets max_parallel_workers_per_gather = 0 around
-- it): with them, each worker repeats both groupings in full. 10M interleaved bookings: 6.7 s
-- against 7.8-9.1 s for session_load.sql's one grouping of every booking row; 1M: 0.67-0.70 s
-- against 0.85-1.05 s.
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession \
--   -v exact_status=b.status -v exact_session_type=s.session_type -v exact_visibility=s.visibility \
--   -v max_participants=s.max_participants \
--   -v current_participants=s.current_participants -v canceled_statuses="'canceled'" \
--   -v individual_type="'individual'" -v individual_visibility="'private'" \
--   -v session_status=NULL -v canceled_session_statuses="'canceled'" -v draft_session_statuses="'draft'" \
--   -c 'SET max_parallel_workers_per_gather = 0' -f queries/session_load.postgres.sql
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
       CAST(NULL AS BIGINT) AS sessions_losing_schedule,
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
           COALESCE(a.bookings, 0) - COALESCE(c.inactive, 0) AS active
    FROM :"sessions" AS s
    LEFT JOIN (
        SELECT b.service_session_id AS session_id, COUNT(*) AS bookings
        FROM :"bookings" AS b
        WHERE b.service_session_id IS NOT NULL
        GROUP BY b.service_session_id
    ) AS a ON a.session_id = s.id
    LEFT JOIN (
        SELECT b.service_session_id AS session_id, COUNT(*) AS inactive
        FROM :"bookings" AS b
        WHERE b.service_session_id IS NOT NULL
          AND :exact_status IN (:canceled_statuses)
        GROUP BY b.service_session_id
    ) AS c ON c.session_id = s.id
) AS x
