-- reminder-readiness: the first ids of active bookings with no effective start time: their
-- reminders can never fire (see booking_join.postgres.sql). A booking whose session is a draft
-- without times is awaiting its schedule, not broken: left out here, counted apart.
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT b.id AS id
FROM :"bookings" AS b
LEFT JOIN :"sessions" AS s ON s.id = b.service_session_id
WHERE (b.status IS NULL OR :exact_status NOT IN (:inactive_statuses))
  AND CASE WHEN b.service_session_id IS NOT NULL THEN s.start_time ELSE :legacy_start END IS NULL
  AND CASE WHEN :session_status IN (:draft_session_statuses) AND s.start_time IS NULL THEN 1 ELSE 0 END = 0
ORDER BY b.id + 0
LIMIT :sample_limit
