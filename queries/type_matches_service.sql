-- type-matches-service: sessions per (service type code, session_type), with the session_type
-- the code calls for: :type_mapping is the configured WHEN code THEN type arms (workshop ->
-- workshop, course -> course_session), every other code -> :default_session_type.
-- :exact_code and :exact_session_type are the columns compared byte for byte (cast to BINARY on
-- MySQL/MariaDB); in psql: -v exact_code=st.code -v exact_session_type=s.session_type
-- The sessions are first counted per (service, session_type), a few hundred groups, and only
-- those are joined to their service and its type: joining every session first costs twice as
-- much (10M-booking / 4M-session PostgreSQL in psql: 2.1-2.9 s -> 1.1-1.3 s; MariaDB 1M:
-- 0.9-1.9 s -> 0.4-0.6 s). On MySQL/MariaDB type_matches_service.mysql.sql is the same query
-- with its SUM cast to SIGNED (MySQL has no CAST AS BIGINT).
-- Run by hand: psql -v sessions=services_servicesession -v services=services_service \
--   -v service_types=services_servicetype \
--   -v type_mapping="WHEN 'workshop' THEN 'workshop' WHEN 'course' THEN 'course_session'" \
--   -v default_session_type="'individual'" -f queries/type_matches_service.sql
SELECT :exact_code AS service_type_code,
       g.session_type AS session_type,
       CASE :exact_code :type_mapping ELSE :default_session_type END AS expected_type,
       CAST(SUM(g.sessions) AS BIGINT) AS count
FROM (
    SELECT s.service_id AS service_id, :exact_session_type AS session_type, COUNT(*) AS sessions
    FROM :"sessions" AS s
    GROUP BY s.service_id, :exact_session_type
) AS g
JOIN :"services" AS sv ON sv.id = g.service_id
JOIN :"service_types" AS st ON st.id = sv.service_type_id
GROUP BY :exact_code, g.session_type
