-- duplicate-times: workshop and course sessions that share (service_id, start_time).
-- Unlike the guide's query, sessions with a NULL start_time (or NULL service_id) are left out:
-- NULL is "not scheduled yet", not a time two sessions can share. Individual sessions may
-- share times and are never reported. Canceled sessions (the session table's lifecycle
-- :session_status, NULL where the table has none) take no part: a canceled workshop and the
-- session that replaced it at the same time are not duplicates.
-- Run by hand: psql -v sessions=services_servicesession \
--   -v exclusive_time_types="'workshop','course_session'" -f queries/duplicate_times.postgres.sql
SELECT CAST(s.service_id AS BIGINT) AS service_id,
       CAST(s.start_time AS text) AS start_time,
       COUNT(*) AS count,
       string_agg(CAST(s.id AS text), ',') AS session_ids
FROM :"sessions" AS s
WHERE s.session_type IN (:exclusive_time_types)
  AND s.start_time IS NOT NULL
  AND s.service_id IS NOT NULL
  AND CASE WHEN :session_status IN (:canceled_session_statuses) THEN 1 ELSE 0 END = 0
GROUP BY s.service_id, s.start_time
HAVING COUNT(*) > 1
