-- coverage: the first ids of bookings without a session (run only when there are some).
-- Run by hand: psql -v bookings=bookings_booking -v sample_limit=20 -f queries/coverage_sample.sql
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT b.id AS id
FROM :"bookings" AS b
WHERE b.service_session_id IS NULL
ORDER BY b.id + 0
LIMIT :sample_limit
