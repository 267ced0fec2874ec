-- coverage: every row of the bookings table, soft-deleted ones included (:"all_bookings" is the
-- table itself; :"bookings" everywhere else is its live rows). Run only when the table marks
-- soft deletes: the difference with the live count is reported apart.
-- Run by hand: psql -v all_bookings=bookings_booking -f queries/bookings_count.sql
SELECT COUNT(*) AS bookings
FROM :"all_bookings" AS b
