-- fix-sql: bookings without a session that have a legacy start time and exactly one session
-- of their service at that same start time: the script links them to it (and counts the booking
-- in the session's current_participants; fix-sql repairs only scheduled bookings, which take a
-- seat). `room` lets fix-sql link no more bookings to a session than it has seats for. Only when that
-- session has room (current_participants < max_participants) and is not a 1-to-1
-- (individual/private) session, which belongs to its own booking: otherwise the booking gets a
-- session of its own, so the repair never creates a capacity problem.
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession -f queries/fix_link.sql
SELECT b.id AS booking_id, MIN(s.id) AS session_id,
       MIN(s.max_participants) - MIN(s.current_participants) AS room
FROM :"bookings" AS b
JOIN :"sessions" AS s ON s.service_id = b.service_id AND s.start_time = b.start_time
WHERE b.service_session_id IS NULL
  AND b.start_time IS NOT NULL
GROUP BY b.id
HAVING COUNT(*) = 1
   AND MIN(s.current_participants) < MIN(s.max_participants)
   AND MIN(CASE WHEN :exact_session_type IN (:individual_type) AND :exact_visibility IN (:individual_visibility) THEN 1 ELSE 0 END) = 0
ORDER BY b.id
