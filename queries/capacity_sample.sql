-- capacity: the first ids of sessions with any capacity problem, canceled sessions and drafts
-- without times aside (see session_load.sql).
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT x.id AS id
FROM (
    SELECT s.id AS id, :exact_session_type AS session_type, s.max_participants, s.current_participants,
           COALESCE(a.active, 0) AS active,
           CASE WHEN :session_status IN (:canceled_session_statuses)
                  OR (:session_status IN (:draft_session_statuses) AND s.start_time IS NULL)
                THEN 0 ELSE 1 END AS counted
    FROM :"sessions" AS s
    LEFT JOIN (
        SELECT b.service_session_id AS session_id, COUNT(*) AS active
        FROM :"bookings" AS b
        WHERE b.service_session_id IS NOT NULL
          AND (b.status IS NULL OR :exact_status NOT IN (:canceled_statuses))
        GROUP BY b.service_session_id
    ) AS a ON a.session_id = s.id
) AS x
WHERE x.counted = 1
  AND (x.current_participants <> x.active
       OR x.active > x.max_participants
       OR (x.session_type IN (:individual_type) AND (x.active > 1 OR x.max_participants <> 1)))
ORDER BY x.id + 0
LIMIT :sample_limit
