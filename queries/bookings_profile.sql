-- The bookings profile: one pass over the bookings table, grouped by (has no session, status,
-- legacy start_time is NULL). coverage, make-required-readiness, status-vocabulary and
-- migration-state all read their counts from these few groups, so the table is scanned once.
-- :legacy_start is b."start_time", or NULL where a cleanup migration dropped the column.
-- :exact_status is b.status compared byte for byte (CAST(b.status AS BINARY) on MySQL/MariaDB,
-- whose collations ignore case and trailing spaces); in psql: -v exact_status=b.status
-- Run by hand: psql -v bookings=bookings_booking -v legacy_start=b.start_time \
--   -v exact_status=b.status -f queries/bookings_profile.sql
SELECT (b.service_session_id IS NULL) AS without_session,
       :exact_status AS status,
       (:legacy_start IS NULL) AS start_time_null,
       COUNT(*) AS count
FROM :"bookings" AS b
GROUP BY (b.service_session_id IS NULL), :exact_status, (:legacy_start IS NULL)
