-- type-matches-service: the first ids of sessions whose session_type is not the one their
-- service's type code calls for (see type_matches_service.sql).
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT s.id AS id
FROM :"sessions" AS s
JOIN :"services" AS sv ON sv.id = s.service_id
JOIN :"service_types" AS st ON st.id = sv.service_type_id
WHERE s.session_type IS NULL
   OR :exact_session_type <> CASE :exact_code :type_mapping ELSE :default_session_type END
ORDER BY s.id + 0
LIMIT :sample_limit
