-- migration-state: which migrations of the two apps the guide touches are applied
-- (services 0017-0019, bookings 0013, and their rollback targets). A few dozen rows.
-- Run by hand: psql -v migrations=django_migrations -f queries/migration_state.sql
SELECT m.app AS app,
       m.name AS name
FROM :"migrations" AS m
WHERE m.app IN ('services', 'bookings')
