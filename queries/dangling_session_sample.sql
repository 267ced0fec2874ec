-- dangling-session: the first ids of bookings whose session does not exist.
SELECT b.id AS id
FROM :"bookings" AS b
LEFT JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE b.service_session_id IS NOT NULL
  AND s.id IS NULL
ORDER BY b.id
LIMIT :sample_limit
