-- dangling-session: the first missing session ids, each with how many bookings point to it.
SELECT b.service_session_id AS service_session_id,
       COUNT(*) AS bookings
FROM :"bookings" AS b
LEFT JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE b.service_session_id IS NOT NULL
  AND s.id IS NULL
GROUP BY b.service_session_id
ORDER BY b.service_session_id
LIMIT :sample_limit
