-- The repair, for MySQL and MariaDB. Safe with every client: `mysql --force` goes on after a
-- failed statement, so no statement here trusts an earlier one, and there is no unconditional
-- COMMIT: the transaction is committed only by the prepared statement at the end, and only when
-- every planned booking ended linked to a session of its own service at its start time;
-- otherwise it is rolled back. A client that stops at an error disconnects, which rolls back.
SET @session_audit_unlinked = NULL;
START TRANSACTION;
DROP TEMPORARY TABLE IF EXISTS session_audit_fix;
CREATE TEMPORARY TABLE session_audit_fix (
    booking_id BIGINT NOT NULL PRIMARY KEY,
    action VARCHAR(6) NOT NULL,
    session_id BIGINT NULL,
    status VARCHAR(255) NULL,
    n INT NOT NULL
);
-- The plan, as read at the dry run: booking, action, the session to link to, the status it had, n.
INSERT INTO session_audit_fix (booking_id, action, session_id, status, n) VALUES
{{plan_rows}};
-- 1. Only bookings that still need it: no session, the same status (byte for byte), a start
--    time. So a second run (a retry, a second operator) plans nothing and changes nothing.
DELETE FROM session_audit_fix
WHERE NOT EXISTS (SELECT 1 FROM {{bookings}} AS b
                  WHERE b.`id` = session_audit_fix.booking_id
                    AND b.`service_session_id` IS NULL
                    AND b.`start_time` IS NOT NULL
                    AND CAST(b.`status` AS BINARY) <=> CAST(session_audit_fix.status AS BINARY));
-- 2. A link only while its session is still of the booking's service, at its start time.
DELETE FROM session_audit_fix
WHERE action = 'link'
  AND NOT EXISTS (SELECT 1 FROM {{bookings}} AS b
                  JOIN {{sessions}} AS s ON s.`id` = session_audit_fix.session_id
                  WHERE b.`id` = session_audit_fix.booking_id
                    AND s.`service_id` = b.`service_id`
                    AND s.`start_time` = b.`start_time`);
-- 3. Ids for the new sessions, above every session id and every id a booking refers to: a
--    booking that points at a deleted session must not find itself linked to a new one.
UPDATE session_audit_fix
SET session_id = (SELECT GREATEST(COALESCE(MAX(s.`id`), 0),
                                  COALESCE((SELECT MAX(b.`service_session_id`) FROM {{bookings}} AS b), 0))
                  FROM {{sessions}} AS s) + n
WHERE action = 'create';
-- 4. The new sessions, one per booking that still has none (columns as the table requires).
INSERT INTO {{sessions}} ({{insert_columns}})
SELECT {{insert_values}}
FROM session_audit_fix AS p
JOIN {{bookings}} AS b ON b.`id` = p.booking_id
WHERE p.action = 'create' AND b.`service_session_id` IS NULL
ORDER BY p.booking_id;
-- 5. A booking linked to an existing session takes a seat in it.
UPDATE {{sessions}} AS s
JOIN (SELECT session_id, COUNT(*) AS n FROM session_audit_fix
      WHERE action = 'link' GROUP BY session_id) AS c ON c.session_id = s.`id`
SET s.`current_participants` = s.`current_participants` + c.n;
-- 6. The links: each booking to its planned session, verified here (its service, its start time).
UPDATE {{bookings}} AS b
JOIN session_audit_fix AS p ON p.booking_id = b.`id`
JOIN {{sessions}} AS s ON s.`id` = p.session_id
SET b.`service_session_id` = p.session_id
WHERE b.`service_session_id` IS NULL
  AND s.`service_id` = b.`service_id`
  AND s.`start_time` = b.`start_time`;
-- 7. The guard: COMMIT only when every planned booking is linked to a session of its own
--    service at its start time; ROLLBACK otherwise, and also when this count could not be taken.
SET @session_audit_unlinked = (
    SELECT COUNT(*)
    FROM session_audit_fix AS p
    LEFT JOIN {{bookings}} AS b ON b.`id` = p.booking_id
    LEFT JOIN {{sessions}} AS s ON s.`id` = b.`service_session_id`
    WHERE b.`id` IS NULL
       OR NOT (b.`service_session_id` <=> p.session_id)
       OR s.`id` IS NULL
       OR NOT (s.`service_id` <=> b.`service_id`)
       OR NOT (s.`start_time` <=> b.`start_time`));
SELECT @session_audit_unlinked AS bookings_not_linked,
       IF(@session_audit_unlinked = 0, 'COMMIT', 'ROLLBACK') AS outcome;
SET @session_audit_finish = IF(@session_audit_unlinked = 0, 'COMMIT', 'ROLLBACK');
PREPARE session_audit_finish FROM @session_audit_finish;
EXECUTE session_audit_finish;
DEALLOCATE PREPARE session_audit_finish;
