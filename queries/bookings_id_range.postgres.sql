-- The booking join's parts (SQLite on two or more connections only; the other backends
-- make the join whole): the first and last booking id, which booking_join.sqlite.sql's parts
-- divide into ranges that each connection takes as it comes free, and how many bookings
-- there are. One MIN and one MAX per subquery, so SQLite reads each off an end of the
-- table's b-tree instead of scanning it. Read as text: an id that is not an integer (a UUID
-- key, say) makes the tool join the bookings whole; and if the parts' bookings do not add up
-- to the count (a non-integer id between two integer ones), so does it.
-- PostgreSQL's form (CAST AS TEXT; the audit never runs it there, `sql` and `explain` show it).
-- Run by hand: psql -v bookings=bookings_booking -f queries/bookings_id_range.postgres.sql
SELECT CAST((SELECT MIN(b.id) FROM :"bookings" AS b) AS TEXT) AS first_id,
       CAST((SELECT MAX(b.id) FROM :"bookings" AS b) AS TEXT) AS last_id,
       (SELECT COUNT(*) FROM :"bookings" AS b) AS bookings
