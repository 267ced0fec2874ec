-- dangling-session: bookings whose service_session_id points to no session (possible where
-- foreign keys are not enforced: SQLite, MyISAM, raw deletes).
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession -f queries/dangling_session.sql
SELECT COUNT(*) AS bookings,
       COUNT(DISTINCT b.service_session_id) AS missing_sessions
FROM :"bookings" AS b
LEFT JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE b.service_session_id IS NOT NULL
  AND s.id IS NULL
