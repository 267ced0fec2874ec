-- type-distribution: the first ids of sessions whose session_type or visibility is not a
-- known value (NULL and the empty string included). Run only when there are some.
-- Run by hand: psql -v sessions=services_servicesession -v session_types="'individual','workshop','course_session'" \
--   -v visibilities="'public','private','unlisted'" -v sample_limit=20 -f queries/type_distribution_sample.sql
-- ORDER BY id + 0: the planner then sorts the few matches instead of walking the primary key in
-- order through the whole table (offending rows are rare, and often the newest).
SELECT s.id AS id
FROM :"sessions" AS s
WHERE s.session_type IS NULL
   OR s.visibility IS NULL
   OR :exact_session_type NOT IN (:session_types)
   OR :exact_visibility NOT IN (:visibilities)
ORDER BY s.id + 0
LIMIT :sample_limit
