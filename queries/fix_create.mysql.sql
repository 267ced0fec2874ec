-- fix-sql: scheduled bookings (status not in the not-scheduled list; NULL and unknown count)
-- without a session but with a legacy start time; the script creates an individual/private
-- session for each of those it cannot link (see fix_link.sql), as the guide's troubleshooting
-- does. Times are read as text to be written back as literals into the same columns.
SELECT b.id AS booking_id, b.service_id AS service_id,
       CAST(b.start_time AS CHAR) AS start_time, CAST(b.end_time AS CHAR) AS end_time
FROM :"bookings" AS b
WHERE b.service_session_id IS NULL
  AND b.start_time IS NOT NULL
  AND (b.status IS NULL OR :exact_status NOT IN (:not_scheduled))
ORDER BY b.id
