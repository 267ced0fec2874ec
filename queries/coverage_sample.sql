-- coverage: the first ids of bookings without a session (run only when there are some).
-- Run by hand: psql -v bookings=bookings_booking -v sample_limit=20 -f queries/coverage_sample.sql
SELECT b.id AS id
FROM :"bookings" AS b
WHERE b.service_session_id IS NULL
ORDER BY b.id
LIMIT :sample_limit
