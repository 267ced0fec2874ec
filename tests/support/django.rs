//! The real platform's schema as Django creates it (`tests/fixtures/django/ddl/`), with rows.
//!
//! The DDL is Django's own `sqlmigrate` output (see that folder's README); the rows are a small
//! healthy platform plus bookings without a session, written as Django writes them (every NOT
//! NULL column given, since Django keeps those defaults in Python).

use super::{Backend, TestDb};

/// Django's DDL for this backend.
pub fn ddl(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => include_str!("../fixtures/django/ddl/sqlite.sql"),
        Backend::Postgres => include_str!("../fixtures/django/ddl/postgres.sql"),
        Backend::Mysql => include_str!("../fixtures/django/ddl/mysql.sql"),
    }
}

/// The cleanup migration that drops the legacy booking times, as Django writes it.
pub fn cleanup(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => include_str!("../fixtures/django/ddl/sqlite.cleanup.sql"),
        Backend::Postgres => include_str!("../fixtures/django/ddl/postgres.cleanup.sql"),
        Backend::Mysql => include_str!("../fixtures/django/ddl/mysql.cleanup.sql"),
    }
}

/// The config an operator of the real platform writes: its session table, its booking
/// vocabulary, and values for the NOT NULL session columns Django fills in Python.
pub const CONFIG: &str = r#"
[tables]
sessions = "service_sessions"

[statuses]
known = ["draft", "pending_payment", "confirmed", "completed", "canceled"]
not_scheduled = ["draft", "canceled"]
canceled = ["canceled"]
finished = ["completed"]

[fix.session_defaults]
status = "scheduled"
sequence_number = 0
reschedule_count = 0
"#;

/// A time literal this backend stores as that UTC instant (`2025-03-01 10:00`).
pub fn at(backend: Backend, day: u32, hour: u32) -> String {
    match backend {
        Backend::Postgres => format!("'2025-03-{day:02} {hour:02}:00:00+00'"),
        _ => format!("'2025-03-{day:02} {hour:02}:00:00'"),
    }
}

fn boolean(backend: Backend, value: bool) -> &'static str {
    match (backend, value) {
        (Backend::Postgres, true) => "TRUE",
        (Backend::Postgres, false) => "FALSE",
        (_, true) => "1",
        (_, false) => "0",
    }
}

/// A booking row: id, service, session, status, legacy start (day, hour).
pub type BookingSpec = (i64, i64, Option<i64>, &'static str, Option<(u32, u32)>);

/// A session row: id, service, session_type, visibility, lifecycle status, start (day, hour)
/// or none, max_participants, current_participants.
pub type SessionSpec = (
    i64,
    i64,
    &'static str,
    &'static str,
    &'static str,
    Option<(u32, u32)>,
    i64,
    i64,
);

/// Creates the schema and the healthy platform: a 1-to-1 session and a workshop with room,
/// each with its booking, and services 0017-0019 applied.
pub fn create(db: &dyn TestDb, extra_bookings: &[BookingSpec]) {
    create_with(db, &[], extra_bookings, &[]);
}

/// `create`, plus sessions, bookings and applied migrations of the test's own.
pub fn create_with(
    db: &dyn TestDb,
    extra_sessions: &[SessionSpec],
    extra_bookings: &[BookingSpec],
    extra_migrations: &[(&str, &str)],
) {
    let b = db.backend();
    db.exec(ddl(b));
    let now = at(b, 1, 8);
    let mut sql = format!(
        "INSERT INTO services_servicetype (id, name, code) VALUES (1, 'Session', 'session'), (2, 'Workshop', 'workshop');\n\
         INSERT INTO services_service (id, name, service_type_id, is_active) VALUES (1, 'Coaching', 1, {t}), (2, 'Pottery', 2, {t});\n",
        t = boolean(b, true)
    );
    let healthy: [SessionSpec; 2] = [
        (
            1,
            1,
            "individual",
            "private",
            "scheduled",
            Some((1, 9)),
            1,
            1,
        ),
        (
            2,
            2,
            "workshop",
            "public",
            "scheduled",
            Some((1, 10)),
            10,
            1,
        ),
    ];
    for (id, service, kind, visibility, status, start, max, current) in
        healthy.iter().chain(extra_sessions)
    {
        let (start, end, duration) = match start {
            Some((day, hour)) => (at(b, *day, *hour), at(b, *day, hour + 1), "60"),
            None => ("NULL".to_owned(), "NULL".to_owned(), "NULL"),
        };
        sql.push_str(&format!(
            "INSERT INTO service_sessions (id, service_id, session_type, visibility, start_time, end_time, duration, max_participants, current_participants, sequence_number, status, created_at, updated_at, reschedule_count) \
             VALUES ({id}, {service}, '{kind}', '{visibility}', {start}, {end}, {duration}, {max}, {current}, 0, '{status}', {now}, {now}, 0);\n"
        ));
    }
    let healthy: [BookingSpec; 2] = [
        (1, 1, Some(1), "confirmed", Some((1, 9))),
        (2, 2, Some(2), "confirmed", Some((1, 10))),
    ];
    for (id, service, session, status, start) in healthy.iter().chain(extra_bookings) {
        let session = session.map_or("NULL".to_owned(), |s| s.to_string());
        let (start, end) = match start {
            Some((day, hour)) => (at(b, *day, *hour), at(b, *day, hour + 1)),
            None => ("NULL".to_owned(), "NULL".to_owned()),
        };
        sql.push_str(&format!(
            "INSERT INTO bookings_booking (id, service_id, service_session_id, status, payment_status, start_time, end_time, metadata, is_deleted, created_at, updated_at, status_changed_at) \
             VALUES ({id}, {service}, {session}, '{status}', 'paid', {start}, {end}, '{{}}', {f}, {now}, {now}, {now});\n",
            f = boolean(b, false)
        ));
    }
    for (app, name) in super::fixture::APPLIED_THROUGH_0019
        .iter()
        .chain(extra_migrations)
    {
        sql.push_str(&format!(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('{app}', '{name}', {now});\n"
        ));
    }
    if b == Backend::Postgres {
        // Django's ORM inserts go through the identity sequence; these rows name their ids.
        for table in [
            "services_servicetype",
            "services_service",
            "service_sessions",
            "bookings_booking",
        ] {
            sql.push_str(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}));\n"
            ));
        }
    }
    db.exec(&sql);
}
