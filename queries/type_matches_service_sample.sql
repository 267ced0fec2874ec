-- type-matches-service: the first ids of sessions whose session_type is not the one their
-- service's type code calls for (see type_matches_service.sql).
SELECT s.id AS id
FROM :"sessions" AS s
JOIN :"services" AS sv ON sv.id = s.service_id
JOIN :"service_types" AS st ON st.id = sv.service_type_id
WHERE s.session_type IS NULL
   OR :exact_session_type <> CASE :exact_code :type_mapping ELSE :default_session_type END
ORDER BY s.id
LIMIT :sample_limit
