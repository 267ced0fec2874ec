-- The booking join's parts (SQLite only, on two or more connections, when the bookings' id is
-- the table's rowid; the other backends make the join whole and never run this): the first
-- and last booking id, which booking_join.sqlite.sql's parts divide into ranges that each
-- connection takes as it comes free. One MIN and one MAX per subquery, so SQLite reads each
-- off an end of the table's b-tree instead of scanning it.
-- Run by hand: session-audit sql --backend sqlite dangling-session > audit.sql, then
--   sqlite3 -readonly db.sqlite3 < audit.sql
SELECT (SELECT MIN(b.id) FROM :"bookings" AS b) AS first_id,
       (SELECT MAX(b.id) FROM :"bookings" AS b) AS last_id
