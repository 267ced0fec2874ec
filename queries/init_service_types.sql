-- init --database-url: every service type code with how many services have it.
-- Run by hand: psql -v services=services_service -v service_types=services_servicetype \
--   -v exact_code=st.code -f queries/init_service_types.sql
SELECT :exact_code AS value, COUNT(sv.id) AS count
FROM :"service_types" AS st
LEFT JOIN :"services" AS sv ON sv.service_type_id = st.id
GROUP BY :exact_code
