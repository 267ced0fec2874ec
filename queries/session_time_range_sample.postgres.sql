-- session-time-range: the first ids of sessions with either problem.
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT CAST(s.id AS BIGINT) AS id
FROM :"sessions" AS s
WHERE s.end_time <= s.start_time
   OR (s.end_time > s.start_time AND :duration IS NOT NULL
       AND s.start_time + :duration * INTERVAL '1 minute' <> s.end_time)
ORDER BY s.id + 0
LIMIT :sample_limit
