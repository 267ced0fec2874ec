-- make-required-readiness: the first ids of scheduled bookings without a session: a legacy
-- start_time and a status other than the not-scheduled ones (NULL and unknown statuses count as
-- scheduled). Its counts come from the bookings profile (bookings_profile.sql).
-- Run by hand: psql -v bookings=bookings_booking -v not_scheduled="'draft','canceled'" \
--   -v sample_limit=20 -f queries/make_required_readiness_sample.sql
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT b.id AS id
FROM :"bookings" AS b
WHERE b.service_session_id IS NULL
  AND b.start_time IS NOT NULL
  AND (b.status IS NULL OR :exact_status NOT IN (:not_scheduled))
ORDER BY b.id + 0
LIMIT :sample_limit
