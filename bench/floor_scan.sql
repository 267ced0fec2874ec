-- The floor for one pass over the data: one read of each big table, touching a column of every
-- row (COUNT(*) alone could be answered from an index). Nothing can be audited in less.
SELECT COUNT(created_at) FROM bookings_booking;
SELECT COUNT(created_at) FROM services_servicesession;
