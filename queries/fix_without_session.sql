-- fix-sql: every booking without a session, for the script's header: those neither linked nor
-- given a new session (no legacy start time, or not scheduled) are left alone and counted.
SELECT COUNT(*) AS bookings
FROM :"bookings" AS b
WHERE b.service_session_id IS NULL
