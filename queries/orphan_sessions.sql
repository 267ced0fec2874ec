-- orphan-sessions: individual/private sessions that no booking references (migration 0019
-- makes one per booking, so each was left behind by a deleted booking or a failed creation).
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession \
--   -v individual_type="'individual'" -v individual_visibility="'private'" -f queries/orphan_sessions.sql
SELECT COUNT(*) AS orphans
FROM :"sessions" AS s
WHERE :exact_session_type IN (:individual_type)
  AND :exact_visibility IN (:individual_visibility)
  AND NOT EXISTS (SELECT 1 FROM :"bookings" AS b WHERE b.service_session_id = s.id)
