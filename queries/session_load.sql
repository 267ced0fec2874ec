-- The sessions' load (MySQL/MariaDB; PostgreSQL runs session_load.postgres.sql and SQLite
-- session_load.sqlite.sql, the same answer shaped for their planners): every session with the counts of its bookings, in one grouping of the
-- bookings by session and one join. capacity, orphan-sessions and rollback-safety all read
-- their numbers from this one row, so the bookings are grouped once for the three.
-- "active" bookings have a status that is not a canceled one (NULL counts as active);
-- "without_legacy_start" ones would lose their schedule if their individual session were
-- deleted by a rollback of services.0019 (all of them where the column is gone:
-- :legacy_start is NULL then). :max_participants and :current_participants are NULL where the
-- columns do not exist (capacity is then refused by its own pre-flight, the others still run).
-- The session's lifecycle (:session_status, NULL where the table has no such column): canceled
-- sessions take no part in capacity (a canceled 1-to-1 may still count its participant), and
-- draft sessions without a start time are not yet scheduled (no seat is held yet): counted
-- apart, out of capacity, and no rollback can lose a schedule they do not have.
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession \
--   -v exact_status=b.status -v exact_session_type=s.session_type -v exact_visibility=s.visibility \
--   -v legacy_start=b.start_time -v max_participants=s.max_participants \
--   -v current_participants=s.current_participants -v canceled_statuses="'canceled'" \
--   -v individual_type="'individual'" -v individual_visibility="'private'" -f queries/session_load.sql
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
    FROM :"sessions" AS s
    LEFT JOIN (
        SELECT b.service_session_id AS session_id,
               COUNT(*) AS bookings,
               COUNT(CASE WHEN b.status IS NULL OR :exact_status NOT IN (:canceled_statuses) THEN 1 END) AS active,
               COUNT(CASE WHEN :legacy_start IS NULL THEN 1 END) AS without_legacy_start
        FROM :"bookings" AS b
        WHERE b.service_session_id IS NOT NULL
        GROUP BY b.service_session_id
    ) AS a ON a.session_id = s.id
) AS x
