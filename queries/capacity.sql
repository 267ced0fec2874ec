-- capacity: sessions whose participant counts disagree with their bookings. "active" is the
-- number of a session's bookings whose status is not a canceled one (NULL counts as active).
-- Problems: current_participants <> active; more active bookings than max_participants; an
-- individual session with more than one active booking, or a max_participants other than 1.
-- Run by hand: psql -v bookings=bookings_booking -v sessions=services_servicesession \
--   -v canceled_statuses="'canceled'" -v individual_type="'individual'" -f queries/capacity.sql
SELECT COUNT(CASE WHEN x.current_participants <> x.active THEN 1 END) AS count_mismatch,
       COUNT(CASE WHEN x.active > x.max_participants THEN 1 END) AS over_capacity,
       COUNT(CASE WHEN x.session_type IN (:individual_type) AND x.active > 1 THEN 1 END) AS individual_overbooked,
       COUNT(CASE WHEN x.session_type IN (:individual_type) AND x.max_participants <> 1 THEN 1 END) AS individual_max_not_one,
       COUNT(CASE WHEN x.current_participants <> x.active
                   OR x.active > x.max_participants
                   OR (x.session_type IN (:individual_type) AND (x.active > 1 OR x.max_participants <> 1))
                  THEN 1 END) AS sessions
FROM (
    SELECT :exact_session_type AS session_type, s.max_participants, s.current_participants, COALESCE(a.active, 0) AS active
    FROM :"sessions" AS s
    LEFT JOIN (
        SELECT b.service_session_id AS session_id, COUNT(*) AS active
        FROM :"bookings" AS b
        WHERE b.service_session_id IS NOT NULL
          AND (b.status IS NULL OR :exact_status NOT IN (:canceled_statuses))
        GROUP BY b.service_session_id
    ) AS a ON a.session_id = s.id
) AS x
