-- coverage: does every booking reference a ServiceSession?
-- One pass over the bookings table, grouped by (has no session, status, legacy start_time is
-- NULL): the totals, the breakdown of bookings without a session and the scheduled ones among
-- them all come from these few groups.
-- Run by hand: psql -v bookings=bookings_booking -f queries/coverage.sql
SELECT (b.service_session_id IS NULL) AS without_session,
       b.status AS status,
       (b.start_time IS NULL) AS start_time_null,
       COUNT(*) AS count
FROM :"bookings" AS b
GROUP BY (b.service_session_id IS NULL), b.status, (b.start_time IS NULL)
