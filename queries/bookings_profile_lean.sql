-- The bookings profile when no check of the audit reads the status of bookings that have a
-- session (status-vocabulary is not run, and neither is the booking join that would carry
-- it): the bookings with a session are only counted, the few without one are grouped by
-- (status, legacy start_time is NULL) as in bookings_profile.sql. The count can come from
-- the foreign-key index or a scan that reads no text, the rest from the index entries for
-- NULL: about half the time of the full profile, and less than the migration guide's own
-- coverage query (docs/performance.md). The first row's status is NULL: it is never read.
-- Run by hand: psql -v bookings=bookings_booking -v legacy_start=b.start_time \
--   -v exact_status=b.status -f queries/bookings_profile_lean.sql
SELECT (1 = 0) AS without_session,
       NULL AS status,
       (1 = 0) AS start_time_null,
       COUNT(*) AS count
FROM :"bookings" AS b
WHERE b.service_session_id IS NOT NULL
UNION ALL
SELECT (1 = 1) AS without_session,
       :exact_status AS status,
       (:legacy_start IS NULL) AS start_time_null,
       COUNT(*) AS count
FROM :"bookings" AS b
WHERE b.service_session_id IS NULL
GROUP BY :exact_status, (:legacy_start IS NULL)
