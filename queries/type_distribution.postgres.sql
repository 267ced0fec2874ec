-- type-distribution: sessions per (session_type, visibility), with their time span.
-- The guide's "Check Session Type Distribution" query; verdicts per pair are given by
-- session-audit from the configured vocabularies. Times are text in UTC (the audit sets the
-- transaction's TimeZone to UTC).
-- Run by hand: psql -v sessions=services_servicesession -f queries/type_distribution.postgres.sql
SELECT s.session_type AS session_type,
       s.visibility AS visibility,
       COUNT(*) AS count,
       CAST(MIN(s.start_time) AS text) AS earliest,
       CAST(MAX(s.start_time) AS text) AS latest,
       CAST(0 AS BIGINT) AS unreadable_times
FROM :"sessions" AS s
GROUP BY s.session_type, s.visibility
