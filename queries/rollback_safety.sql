-- rollback-safety: rolling back services.0019 deletes every individual/private session. How
-- many there are, how many bookings reference them, and how many of those bookings have no
-- legacy start_time to fall back to (all of them where the column is gone: :legacy_start is
-- NULL then) and would lose their schedule.
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession \
--   -v legacy_start=b.start_time -v individual_type="'individual'" \
--   -v individual_visibility="'private'" -f queries/rollback_safety.sql
SELECT COUNT(DISTINCT s.id) AS sessions,
       COUNT(b.id) AS bookings,
       COUNT(CASE WHEN b.id IS NOT NULL AND :legacy_start IS NULL THEN 1 END) AS bookings_losing_schedule,
       COUNT(DISTINCT CASE WHEN b.id IS NOT NULL AND :legacy_start IS NULL THEN s.id END) AS sessions_losing_schedule
FROM :"sessions" AS s
LEFT JOIN :"bookings" AS b ON b.service_session_id = s.id
WHERE :exact_session_type IN (:individual_type)
  AND :exact_visibility IN (:individual_visibility)
