-- The repair, for SQLite. Safe with every client: `sqlite3 db < fix.sql` goes on after a failed
-- statement and commits what succeeded, so no statement here trusts an earlier one. Bookings are
-- linked only to a session that is verified in the same statement, and the last statement before
-- COMMIT rolls the whole transaction back (ON CONFLICT ROLLBACK) unless every planned booking
-- ended linked to a session of its own service at its start time.
BEGIN IMMEDIATE;
DROP TABLE IF EXISTS temp.session_audit_fix;
DROP TABLE IF EXISTS temp.session_audit_guard;
CREATE TEMP TABLE session_audit_guard (ok INTEGER NOT NULL ON CONFLICT ROLLBACK);
CREATE TEMP TABLE session_audit_fix (
    booking_id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('link', 'create')),
    session_id INTEGER,
    status TEXT,
    n INTEGER NOT NULL
);
-- The plan, as read at the dry run: booking, action, the session to link to, the status it had, n.
INSERT INTO session_audit_fix (booking_id, action, session_id, status, n) VALUES
{{plan_rows}};
-- 1. Only bookings that still need it: no session, the same status, a start time. So a second
--    run (a retry, a second operator) plans nothing and changes nothing.
DELETE FROM session_audit_fix
WHERE NOT EXISTS (SELECT 1 FROM {{bookings}} AS b
                  WHERE b."id" = session_audit_fix.booking_id
                    AND b."service_session_id" IS NULL
                    AND b."start_time" IS NOT NULL
                    AND b."status" IS session_audit_fix.status);
-- 2. A link only while its session is still of the booking's service, at its start time.
DELETE FROM session_audit_fix
WHERE action = 'link'
  AND NOT EXISTS (SELECT 1 FROM {{bookings}} AS b
                  JOIN {{sessions}} AS s ON s."id" = session_audit_fix.session_id
                  WHERE b."id" = session_audit_fix.booking_id
                    AND s."service_id" = b."service_id"
                    AND julianday(s."start_time") = julianday(b."start_time"));
-- 3. Ids for the new sessions, above every session id and every id a booking refers to: a
--    booking that points at a deleted session must not find itself linked to a new one.
UPDATE session_audit_fix
SET session_id = max(coalesce((SELECT max("id") FROM {{sessions}}), 0),
                     coalesce((SELECT max("service_session_id") FROM {{bookings}}), 0)) + n
WHERE action = 'create';
-- 4. The new sessions, one per booking that still has none (columns as the table requires).
INSERT INTO {{sessions}} ({{insert_columns}})
SELECT {{insert_values}}
FROM session_audit_fix AS p
JOIN {{bookings}} AS b ON b."id" = p.booking_id
WHERE p.action = 'create' AND b."service_session_id" IS NULL
ORDER BY p.booking_id;
-- 5. A booking linked to an existing session takes a seat in it.
UPDATE {{sessions}}
SET "current_participants" = "current_participants"
    + (SELECT count(*) FROM session_audit_fix AS p
       WHERE p.action = 'link' AND p.session_id = {{sessions}}."id")
WHERE "id" IN (SELECT session_id FROM session_audit_fix WHERE action = 'link');
-- 6. The links: each booking to its planned session, verified here (its service, its start time).
UPDATE {{bookings}}
SET "service_session_id" = (SELECT p.session_id FROM session_audit_fix AS p
                            WHERE p.booking_id = {{bookings}}."id")
WHERE "service_session_id" IS NULL
  AND "id" IN (SELECT p.booking_id FROM session_audit_fix AS p
               JOIN {{sessions}} AS s ON s."id" = p.session_id
               WHERE s."service_id" = {{bookings}}."service_id"
                 AND julianday(s."start_time") = julianday({{bookings}}."start_time"));
-- 7. The guard: NULL, and so ROLLBACK of everything above, if any planned booking is not linked
--    to a session of its own service at its start time. Nothing but COMMIT follows it.
INSERT INTO session_audit_guard (ok)
SELECT CASE WHEN count(*) = 0 THEN 1 END
FROM session_audit_fix AS p
LEFT JOIN {{bookings}} AS b ON b."id" = p.booking_id
LEFT JOIN {{sessions}} AS s ON s."id" = b."service_session_id"
WHERE b."id" IS NULL
   OR b."service_session_id" IS NOT p.session_id
   OR s."id" IS NULL
   OR s."service_id" IS NOT b."service_id"
   OR julianday(s."start_time") IS NOT julianday(b."start_time");
COMMIT;
