-- rollback-safety: rolling back services.0019 deletes every individual/private session. How
-- many there are, how many bookings reference them, and how many of those bookings have no
-- legacy start_time to fall back to (all of them where the column is gone: :legacy_start is
-- NULL then) and would lose their schedule.
-- The sessions are counted apart, so COUNT(DISTINCT) only sorts the (few) sessions that would
-- lose a schedule, not all of them.
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession \
--   -v legacy_start=b.start_time -v individual_type="'individual'" \
--   -v individual_visibility="'private'" -f queries/rollback_safety.sql
SELECT (SELECT COUNT(*) FROM :"sessions" AS s
        WHERE :exact_session_type IN (:individual_type) AND :exact_visibility IN (:individual_visibility)) AS sessions,
       COUNT(*) AS bookings,
       COUNT(CASE WHEN :legacy_start IS NULL THEN 1 END) AS bookings_losing_schedule,
       COUNT(DISTINCT CASE WHEN :legacy_start IS NULL THEN b.service_session_id END) AS sessions_losing_schedule
FROM :"bookings" AS b
JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE :exact_session_type IN (:individual_type)
  AND :exact_visibility IN (:individual_visibility)
