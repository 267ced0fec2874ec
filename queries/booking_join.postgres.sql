-- The booking join: one pass of every booking joined to its session, grouped by the few keys
-- reminder-readiness reports on (has a session, status, effective start missing, upcoming)
-- and counting in each group what dangling-session, service-mismatch, legacy-time-drift and
-- rollback-safety look for. Those five checks read their numbers from these few groups, so
-- the two big tables are joined once for all of them; each lists offending ids with its own
-- *_sample.sql only when something offends.
--   effective start: the session's start_time, the legacy booking start_time only where there
--     is no session (:legacy_start is NULL where the column is gone); a dangling reference
--     has no start either.
--   dangling: a service_session_id that points to no session.
--   service mismatch: the booking's service differs from its session's (NULL on one side only
--     is a difference too; IS DISTINCT FROM is not portable to MySQL).
--   drift: a legacy start/end time that disagrees with its session's by more than
--     :tolerance_seconds; a legacy time whose session has none is drift too. Compared as
--     timestamps against the session's time plus and minus the tolerance: the same answer as
--     abs(EXTRACT(EPOCH FROM difference)), without a numeric per booking (10-20% of the join).
--   individual: bookings of individual/private sessions, which a rollback of services.0019
--     would delete; "losing" ones have no legacy start time to fall back to.
--   awaiting: the booking's session is a draft without times (:session_status, NULL where the
--     session table has no lifecycle): not yet scheduled, so no reminder is due and no
--     rollback can lose a schedule; counted apart.
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession \
--   -v exact_status=b.status -v exact_session_type=s.session_type -v exact_visibility=s.visibility \
--   -v legacy_start=b.start_time -v legacy_end=b.end_time -v tolerance_seconds=0 \
--   -v individual_type="'individual'" -v individual_visibility="'private'" \
--   -f queries/booking_join.postgres.sql
SELECT e.has_session AS has_session,
       e.status AS status,
       (e.effective_start IS NULL) AS start_missing,
       (e.effective_start > CURRENT_TIMESTAMP) IS TRUE AS upcoming,
       COUNT(*) AS bookings,
       CAST(0 AS BIGINT) AS unreadable_start,
       COUNT(CASE WHEN e.dangling THEN 1 END) AS dangling,
       COUNT(CASE WHEN e.service_mismatch THEN 1 END) AS service_mismatch,
       COUNT(CASE WHEN e.start_drift OR e.end_drift THEN 1 END) AS drifted,
       COUNT(CASE WHEN e.start_drift THEN 1 END) AS start_drift,
       COUNT(CASE WHEN e.end_drift THEN 1 END) AS end_drift,
       CAST(0 AS BIGINT) AS unreadable_drift,
       COUNT(CASE WHEN e.individual THEN 1 END) AS individual,
       COUNT(CASE WHEN e.individual AND e.legacy_start_missing AND e.awaiting = 0 THEN 1 END) AS individual_losing,
       COUNT(CASE WHEN e.awaiting = 1 THEN 1 END) AS awaiting_schedule
FROM (
    SELECT (b.service_session_id IS NOT NULL) AS has_session,
           :exact_status AS status,
           CASE WHEN b.service_session_id IS NOT NULL THEN s.start_time ELSE :legacy_start END AS effective_start,
           (b.service_session_id IS NOT NULL AND s.id IS NULL) AS dangling,
           (s.id IS NOT NULL
            AND (b.service_id <> s.service_id
                 OR (b.service_id IS NULL AND s.service_id IS NOT NULL)
                 OR (b.service_id IS NOT NULL AND s.service_id IS NULL))) AS service_mismatch,
           (s.id IS NOT NULL AND :legacy_start IS NOT NULL
            AND (s.start_time IS NULL
                 OR :legacy_start > s.start_time + :tolerance_seconds * interval '1 second'
                 OR :legacy_start < s.start_time - :tolerance_seconds * interval '1 second')) AS start_drift,
           (s.id IS NOT NULL AND :legacy_end IS NOT NULL
            AND (s.end_time IS NULL
                 OR :legacy_end > s.end_time + :tolerance_seconds * interval '1 second'
                 OR :legacy_end < s.end_time - :tolerance_seconds * interval '1 second')) AS end_drift,
           (s.id IS NOT NULL AND s.individual) AS individual,
           (:legacy_start IS NULL) AS legacy_start_missing,
           CASE WHEN s.awaiting THEN 1 ELSE 0 END AS awaiting
    FROM :"bookings" AS b
    LEFT JOIN (
        -- Only what the comparisons need, the session-level tests already decided: the hash
        -- table of 4M sessions holds two booleans instead of three text columns (fewer
        -- batches; docs/performance.md).
        SELECT s.id, s.service_id, s.start_time, s.end_time,
               (:exact_session_type IN (:individual_type)
                AND :exact_visibility IN (:individual_visibility)) AS individual,
               (:session_status IN (:draft_session_statuses) AND s.start_time IS NULL) AS awaiting
        FROM :"sessions" AS s
    ) AS s ON s.id = b.service_session_id
) AS e
GROUP BY e.has_session, e.status, (e.effective_start IS NULL), (e.effective_start > CURRENT_TIMESTAMP) IS TRUE
