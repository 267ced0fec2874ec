-- The booking join (see booking_join.postgres.sql), for SQLite, whose times are text in
-- several forms: every time is read once per row as julianday() (UTC, millisecond precision:
-- differences under half a millisecond are not drift), and the effective start is compared
-- with now as that number. A legacy time stored as the very text of its session's is the same
-- instant and is not parsed again (the usual case, where services 0019 copied it); parsing is
-- most of this query's cost after the join itself. Text that is not a full date and time is
-- counted in unreadable_start / unreadable_drift and refused.
-- The inner subqueries carry LIMIT -1 so SQLite does not flatten them and evaluate each
-- julianday() once per reference.
-- On two or more connections, when the bookings' id is the table's rowid (always an
-- integer), the join is made in parts, the bookings with ids from :id_from through
-- :id_through (:part_key is b."id" then; bookings_id_range.sqlite.sql gives the ends), each
-- part taken by whichever connection is free and the parts' groups added up. Nothing is
-- counted twice: each id falls in exactly one range. Made whole, :part_key is the number 0
-- and the range every 64-bit integer: a test that holds for every booking, whatever its id
-- (text ids included), and that SQLite evaluates once.
SELECT n.has_session AS has_session,
       n.status AS status,
       (n.effective_start IS NULL) AS start_missing,
       (n.start_utc > julianday('now')) IS TRUE AS upcoming,
       COUNT(*) AS bookings,
       COUNT(CASE WHEN n.effective_start IS NOT NULL AND n.start_utc IS NULL THEN 1 END) AS unreadable_start,
       COUNT(CASE WHEN n.dangling THEN 1 END) AS dangling,
       COUNT(CASE WHEN n.service_mismatch THEN 1 END) AS service_mismatch,
       COUNT(CASE WHEN n.start_drift OR n.end_drift THEN 1 END) AS drifted,
       COUNT(CASE WHEN n.start_drift THEN 1 END) AS start_drift,
       COUNT(CASE WHEN n.end_drift THEN 1 END) AS end_drift,
       COUNT(CASE WHEN n.unreadable_drift THEN 1 END) AS unreadable_drift,
       COUNT(CASE WHEN n.individual THEN 1 END) AS individual,
       COUNT(CASE WHEN n.individual AND n.legacy_start_missing AND n.awaiting = 0 THEN 1 END) AS individual_losing,
       COUNT(CASE WHEN n.awaiting = 1 THEN 1 END) AS awaiting_schedule
FROM (
    SELECT t.has_session, t.status, t.effective_start, t.dangling, t.service_mismatch,
           t.individual, t.legacy_start_missing, t.awaiting,
           CASE WHEN t.has_session THEN t.ss ELSE (CASE WHEN t.same_start THEN t.ss ELSE t.own_bs END) END AS start_utc,
           (t.has_s AND (CASE WHEN t.same_start THEN t.ss ELSE t.own_bs END) IS NOT NULL AND (t.ss IS NULL OR abs((CASE WHEN t.same_start THEN t.ss ELSE t.own_bs END) - t.ss) * 86400.0 > :tolerance_seconds + 0.0005)) AS start_drift,
           (t.has_s AND (CASE WHEN t.same_end THEN t.se ELSE t.own_be END) IS NOT NULL AND (t.se IS NULL OR abs((CASE WHEN t.same_end THEN t.se ELSE t.own_be END) - t.se) * 86400.0 > :tolerance_seconds + 0.0005)) AS end_drift,
           (t.has_s AND ((t.b_start IS NOT NULL AND (CASE WHEN t.same_start THEN t.ss ELSE t.own_bs END) IS NULL) OR (t.s_start IS NOT NULL AND t.ss IS NULL)
                         OR (t.b_end IS NOT NULL AND (CASE WHEN t.same_end THEN t.se ELSE t.own_be END) IS NULL) OR (t.s_end IS NOT NULL AND t.se IS NULL))) AS unreadable_drift
    FROM (
        SELECT (b.service_session_id IS NOT NULL) AS has_session,
               (s.id IS NOT NULL) AS has_s,
               b.status AS status,
               CASE WHEN b.service_session_id IS NOT NULL THEN s.start_time ELSE :legacy_start END AS effective_start,
               (b.service_session_id IS NOT NULL AND s.id IS NULL) AS dangling,
               (s.id IS NOT NULL
                AND (b.service_id <> s.service_id
                     OR (b.service_id IS NULL AND s.service_id IS NOT NULL)
                     OR (b.service_id IS NOT NULL AND s.service_id IS NULL))) AS service_mismatch,
               (s.id IS NOT NULL AND :exact_session_type IN (:individual_type)
                AND :exact_visibility IN (:individual_visibility)) AS individual,
               (:legacy_start IS NULL) AS legacy_start_missing,
               CASE WHEN :session_status IN (:draft_session_statuses) AND s.start_time IS NULL THEN 1 ELSE 0 END AS awaiting,
               :legacy_start AS b_start, s.start_time AS s_start, :legacy_end AS b_end, s.end_time AS s_end,
               (:legacy_start IS s.start_time) AS same_start, (:legacy_end IS s.end_time) AS same_end,
               CASE WHEN typeof(s.start_time) = 'text' AND length(s.start_time) >= 19 THEN julianday(s.start_time) END AS ss,
               CASE WHEN typeof(s.end_time) = 'text' AND length(s.end_time) >= 19 THEN julianday(s.end_time) END AS se,
               CASE WHEN :legacy_start IS s.start_time THEN NULL
                    WHEN typeof(:legacy_start) = 'text' AND length(:legacy_start) >= 19 THEN julianday(:legacy_start) END AS own_bs,
               CASE WHEN :legacy_end IS s.end_time THEN NULL
                    WHEN typeof(:legacy_end) = 'text' AND length(:legacy_end) >= 19 THEN julianday(:legacy_end) END AS own_be
        FROM :"bookings" AS b
        LEFT JOIN :"sessions" AS s ON s.id = b.service_session_id
        WHERE :part_key BETWEEN :id_from AND :id_through
        LIMIT -1
    ) AS t
    LIMIT -1
) AS n
GROUP BY n.has_session, n.status, (n.effective_start IS NULL), (n.start_utc > julianday('now')) IS TRUE
