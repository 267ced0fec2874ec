-- init --database-url: every value of one text column with how many rows hold it (booking
-- statuses, session types, visibilities, the sessions' lifecycle), compared byte for byte
-- (:value is CAST(col AS BINARY) on MySQL/MariaDB), so `Workshop` and `workshop` are two values.
-- Run by hand: psql -v source=bookings_booking -v value=t.status -f queries/init_values.sql
SELECT :value AS value, COUNT(*) AS count
FROM :"source" AS t
GROUP BY :value
