-- duplicate-times (see duplicate_times.postgres.sql), for MySQL/MariaDB. session_type is compared
-- as a binary string, so only exact 'workshop'/'course_session' values count (not 'Workshop');
-- session-audit raises group_concat_max_len for the session so no id list is cut.
SELECT s.service_id AS service_id,
       CAST(s.start_time AS CHAR) AS start_time,
       COUNT(*) AS count,
       GROUP_CONCAT(s.id ORDER BY s.id SEPARATOR ',') AS session_ids
FROM :"sessions" AS s
WHERE CAST(s.session_type AS BINARY) IN (:exclusive_time_types)
  AND s.start_time IS NOT NULL
  AND s.service_id IS NOT NULL
  AND CASE WHEN :session_status IN (:canceled_session_statuses) THEN 1 ELSE 0 END = 0
GROUP BY s.service_id, s.start_time
HAVING COUNT(*) > 1
