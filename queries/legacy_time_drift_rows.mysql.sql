-- legacy-time-drift: the legacy and session times of the sampled bookings, side by side.
SELECT b.id AS booking_id,
       CAST(b.start_time AS CHAR) AS legacy_start,
       CAST(s.start_time AS CHAR) AS session_start,
       CAST(b.end_time AS CHAR) AS legacy_end,
       CAST(s.end_time AS CHAR) AS session_end
FROM :"bookings" AS b
JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE b.id IN (:sample_ids)
ORDER BY b.id
