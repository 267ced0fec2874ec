-- The booking join's parts (SQLite on two or more connections, when the bookings' id is the
-- table's rowid; the other backends make the join whole): the first and last booking id,
-- which booking_join.sqlite.sql's parts divide into ranges that each connection takes as it
-- comes free. One MIN and one MAX per subquery, so SQLite reads each off an end of the
-- table's b-tree instead of scanning it.
-- Run by hand: psql -v bookings=bookings_booking -f queries/bookings_id_range.sql
SELECT (SELECT MIN(b.id) FROM :"bookings" AS b) AS first_id,
       (SELECT MAX(b.id) FROM :"bookings" AS b) AS last_id
