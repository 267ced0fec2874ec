-- fix-sql (see fix_link.sql), for SQLite: times are text in several forms, so they are matched
-- as instants (julianday, UTC) rather than as text.
SELECT b.id AS booking_id, MIN(s.id) AS session_id,
       MIN(s.max_participants) - MIN(s.current_participants) AS room
FROM :"bookings" AS b
JOIN :"sessions" AS s ON s.service_id = b.service_id AND julianday(s.start_time) = julianday(b.start_time)
WHERE b.service_session_id IS NULL
  AND b.start_time IS NOT NULL
GROUP BY b.id
HAVING COUNT(*) = 1
   AND MIN(s.current_participants) < MIN(s.max_participants)
   AND MIN(CASE WHEN :exact_session_type IN (:individual_type) AND :exact_visibility IN (:individual_visibility) THEN 1 ELSE 0 END) = 0
ORDER BY b.id
