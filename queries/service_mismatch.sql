-- service-mismatch: bookings whose service differs from their session's service, per pair of
-- services. NULL on one side only is a difference too (written out: IS DISTINCT FROM is not
-- portable to MySQL).
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession -f queries/service_mismatch.sql
SELECT b.service_id AS booking_service_id,
       s.service_id AS session_service_id,
       COUNT(*) AS count
FROM :"bookings" AS b
JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE b.service_id <> s.service_id
   OR (b.service_id IS NULL AND s.service_id IS NOT NULL)
   OR (b.service_id IS NOT NULL AND s.service_id IS NULL)
GROUP BY b.service_id, s.service_id
