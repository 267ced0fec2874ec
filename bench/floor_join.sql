-- The floor for anything that relates a booking to its session: one join of every booking to
-- its session, returning one aggregate row. It reads a column of every booking row (as every
-- check must: none can be answered from the foreign-key index alone), so the sessions are met
-- in the bookings' stored order. A check that compares the two sides cannot cost less.
SELECT COUNT(b.created_at), COUNT(s.start_time)
FROM bookings_booking AS b
LEFT JOIN services_servicesession AS s ON s.id = b.service_session_id;
