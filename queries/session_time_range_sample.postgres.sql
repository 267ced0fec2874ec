-- session-time-range: the first ids of sessions with either problem.
SELECT CAST(s.id AS BIGINT) AS id
FROM :"sessions" AS s
WHERE s.end_time <= s.start_time
   OR (s.end_time > s.start_time AND :duration IS NOT NULL
       AND :duration * 60 <> EXTRACT(EPOCH FROM (s.end_time - s.start_time)))
ORDER BY s.id
LIMIT :sample_limit
