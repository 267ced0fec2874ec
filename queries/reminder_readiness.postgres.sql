-- reminder-readiness: active bookings (status not in the not-scheduled or finished lists;
-- NULL and unknown statuses count as active) grouped by whether their effective start time is
-- missing and whether it lies ahead. The effective start is the session's start_time, and the
-- legacy booking start_time only where there is no session (:legacy_start is NULL where the
-- column is gone). A dangling session reference has no start either.
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession \
--   -v legacy_start=b.start_time -v inactive_statuses="'draft','canceled','completed','no_show'" \
--   -f queries/reminder_readiness.postgres.sql
SELECT e.has_session AS has_session,
       e.status AS status,
       (e.effective_start IS NULL) AS start_missing,
       (e.effective_start > CURRENT_TIMESTAMP) IS TRUE AS upcoming,
       COUNT(*) AS count,
       CAST(0 AS BIGINT) AS unreadable
FROM (
    SELECT (b.service_session_id IS NOT NULL) AS has_session,
           b.status AS status,
           CASE WHEN b.service_session_id IS NOT NULL THEN s.start_time ELSE :legacy_start END AS effective_start
    FROM :"bookings" AS b
    LEFT JOIN :"sessions" AS s ON s.id = b.service_session_id
    WHERE b.status IS NULL OR :exact_status NOT IN (:inactive_statuses)
) AS e
GROUP BY e.has_session, e.status, (e.effective_start IS NULL), (e.effective_start > CURRENT_TIMESTAMP) IS TRUE
