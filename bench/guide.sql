-- The migration guide's three "Verification Queries", exactly as an operator pastes them
-- (MIGRATION_GUIDE.md: Check ServiceSession Coverage, Check Session Type Distribution,
-- Check for Duplicate Times). The baseline session-audit is measured against.
SELECT
    COUNT(*) as total_bookings,
    COUNT(service_session_id) as bookings_with_session,
    COUNT(*) - COUNT(service_session_id) as bookings_without_session
FROM bookings_booking;

SELECT
    session_type,
    visibility,
    COUNT(*) as count,
    MIN(start_time) as earliest,
    MAX(start_time) as latest
FROM services_servicesession
GROUP BY session_type, visibility
ORDER BY session_type, visibility;

SELECT
    service_id,
    start_time,
    COUNT(*) as count
FROM services_servicesession
WHERE session_type IN ('workshop', 'course_session')
GROUP BY service_id, start_time
HAVING COUNT(*) > 1;
