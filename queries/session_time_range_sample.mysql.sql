-- session-time-range: the first ids of sessions with either problem.
SELECT s.id AS id
FROM :"sessions" AS s
WHERE s.end_time <= s.start_time
   OR (s.end_time > s.start_time AND :duration IS NOT NULL
       AND :duration * 60000000 <> TIMESTAMPDIFF(MICROSECOND, s.start_time, s.end_time))
ORDER BY s.id
LIMIT :sample_limit
