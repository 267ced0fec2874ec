-- The repair, for PostgreSQL. Safe with every client: after any failed statement PostgreSQL
-- refuses the rest of the transaction and turns COMMIT into ROLLBACK, with or without
-- `psql -v ON_ERROR_STOP=1`. Bookings are linked only to a session verified in the same
-- statement, and the DO block before COMMIT raises (so nothing is kept) unless every planned
-- booking ended linked to a session of its own service at its start time.
BEGIN;
CREATE TEMP TABLE session_audit_fix (
    booking_id bigint PRIMARY KEY,
    action text NOT NULL CHECK (action IN ('link', 'create')),
    session_id bigint,
    status text,
    n integer NOT NULL
) ON COMMIT DROP;
-- The plan, as read at the dry run: booking, action, the session to link to, the status it had, n.
INSERT INTO session_audit_fix (booking_id, action, session_id, status, n) VALUES
{{plan_rows}};
-- 1. Only bookings that still need it: no session, the same status, a start time. So a second
--    run (a retry, a second operator) plans nothing and changes nothing.
DELETE FROM session_audit_fix AS p
WHERE NOT EXISTS (SELECT 1 FROM {{bookings}} AS b
                  WHERE b."id" = p.booking_id
                    AND b."service_session_id" IS NULL
                    AND b."start_time" IS NOT NULL
                    AND b."status"::text IS NOT DISTINCT FROM p.status);
-- 2. A link only while its session is still of the booking's service, at its start time.
DELETE FROM session_audit_fix AS p
WHERE p.action = 'link'
  AND NOT EXISTS (SELECT 1 FROM {{bookings}} AS b
                  JOIN {{sessions}} AS s ON s."id" = p.session_id
                  WHERE b."id" = p.booking_id
                    AND s."service_id" = b."service_id"
                    AND s."start_time" = b."start_time");
-- 3. Ids for the new sessions from the table's own sequence (identity or serial), so the
--    application's next insert cannot collide with them. A table without one gets NULL here,
--    and step 4 then fails on the NOT NULL id: nothing is changed.
UPDATE session_audit_fix
SET session_id = nextval(pg_get_serial_sequence({{sessions_name}}, 'id'))
WHERE action = 'create';
-- 4. The new sessions, one per booking that still has none (columns as the table requires).
INSERT INTO {{sessions}} ({{insert_columns}})
SELECT {{insert_values}}
FROM session_audit_fix AS p
JOIN {{bookings}} AS b ON b."id" = p.booking_id
WHERE p.action = 'create' AND b."service_session_id" IS NULL
ORDER BY p.booking_id;
-- 5. A booking linked to an existing session takes a seat in it.
UPDATE {{sessions}} AS s
SET "current_participants" = s."current_participants" + c.n
FROM (SELECT session_id, count(*) AS n FROM session_audit_fix
      WHERE action = 'link' GROUP BY session_id) AS c
WHERE s."id" = c.session_id;
-- 6. The links: each booking to its planned session, verified here (its service, its start time).
UPDATE {{bookings}} AS b
SET "service_session_id" = p.session_id
FROM session_audit_fix AS p
JOIN {{sessions}} AS s ON s."id" = p.session_id
WHERE p.booking_id = b."id"
  AND b."service_session_id" IS NULL
  AND s."service_id" = b."service_id"
  AND s."start_time" = b."start_time";
-- 7. The guard: if any planned booking is not linked to a session of its own service at its
--    start time, raise, and the COMMIT below becomes a ROLLBACK.
DO $session_audit$
DECLARE
    unlinked bigint;
BEGIN
    SELECT count(*) INTO unlinked
    FROM session_audit_fix AS p
    LEFT JOIN {{bookings}} AS b ON b."id" = p.booking_id
    LEFT JOIN {{sessions}} AS s ON s."id" = b."service_session_id"
    WHERE b."id" IS NULL
       OR b."service_session_id" IS DISTINCT FROM p.session_id
       OR s."id" IS NULL
       OR s."service_id" IS DISTINCT FROM b."service_id"
       OR s."start_time" IS DISTINCT FROM b."start_time";
    IF unlinked > 0 THEN
        RAISE EXCEPTION 'session-audit fix: % planned booking(s) would not be linked to a session of their own service at their start time; nothing is changed', unlinked;
    END IF;
END
$session_audit$;
SELECT count(*) AS bookings_repaired FROM session_audit_fix;
COMMIT;
