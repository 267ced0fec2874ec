-- status-vocabulary: the first ids of bookings whose status is NULL or outside the known
-- statuses (compared exactly: 'cancelled' and 'Canceled' are not 'canceled'). Its counts come
-- from the bookings profile (bookings_profile.sql).
-- Run by hand: psql -v bookings=bookings_booking -v known_statuses="'draft','confirmed',…" \
--   -v sample_limit=20 -f queries/status_vocabulary_sample.sql
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT b.id AS id
FROM :"bookings" AS b
WHERE b.status IS NULL OR :exact_status NOT IN (:known_statuses)
ORDER BY b.id + 0
LIMIT :sample_limit
