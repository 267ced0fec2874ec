-- type-matches-service (see type_matches_service.sql), for MySQL/MariaDB: the same query, with
-- the SUM cast to SIGNED (MySQL's SUM of a count is DECIMAL, and it has no CAST AS BIGINT).
SELECT :exact_code AS service_type_code,
       g.session_type AS session_type,
       CASE :exact_code :type_mapping ELSE :default_session_type END AS expected_type,
       CAST(SUM(g.sessions) AS SIGNED) AS count
FROM (
    SELECT s.service_id AS service_id, :exact_session_type AS session_type, COUNT(*) AS sessions
    FROM :"sessions" AS s
    GROUP BY s.service_id, :exact_session_type
) AS g
JOIN :"services" AS sv ON sv.id = g.service_id
JOIN :"service_types" AS st ON st.id = sv.service_type_id
GROUP BY :exact_code, g.session_type
