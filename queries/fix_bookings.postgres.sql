-- fix-sql: every booking without a session, with its status and legacy start time (as text, for
-- the script's comments). fix-sql decides for each one: link it to its one existing session
-- (fix_link.sql), give it a session of its own, or leave it alone and say why (a status outside
-- the vocabulary or not scheduled, no start time). One row per booking that needs a decision.
SELECT b.id AS booking_id, :exact_status AS status, CAST(b.start_time AS TEXT) AS start_time
FROM :"bookings" AS b
WHERE b.service_session_id IS NULL
ORDER BY b.id
