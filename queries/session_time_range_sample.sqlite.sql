-- session-time-range: the first ids of sessions with either problem.
SELECT CAST(s.id AS BIGINT) AS id
FROM :"sessions" AS s
WHERE julianday(s.end_time) <= julianday(s.start_time)
   OR (julianday(s.end_time) > julianday(s.start_time) AND :duration IS NOT NULL
       AND abs(:duration * 60.0 - (julianday(s.end_time) - julianday(s.start_time)) * 86400.0) > 0.5)
ORDER BY s.id
LIMIT :sample_limit
