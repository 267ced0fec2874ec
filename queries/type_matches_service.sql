-- type-matches-service: sessions per (service type code, session_type), with the session_type
-- the code calls for: :type_mapping is the configured WHEN code THEN type arms (workshop ->
-- workshop, course -> course_session), every other code -> :default_session_type.
-- :exact_code and :exact_session_type are the columns compared byte for byte (cast to BINARY on
-- MySQL/MariaDB); in psql: -v exact_code=st.code -v exact_session_type=s.session_type
-- Run by hand: psql -v sessions=services_servicesession -v services=services_service \
--   -v service_types=services_servicetype \
--   -v type_mapping="WHEN 'workshop' THEN 'workshop' WHEN 'course' THEN 'course_session'" \
--   -v default_session_type="'individual'" -f queries/type_matches_service.sql
SELECT :exact_code AS service_type_code,
       :exact_session_type AS session_type,
       CASE :exact_code :type_mapping ELSE :default_session_type END AS expected_type,
       COUNT(*) AS count
FROM :"sessions" AS s
JOIN :"services" AS sv ON sv.id = s.service_id
JOIN :"service_types" AS st ON st.id = sv.service_type_id
GROUP BY :exact_code, :exact_session_type
