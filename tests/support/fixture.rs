//! Django-shaped tables with the rows a test needs, in DDL for each backend.
//!
//! A fixture is consistent unless a test makes it otherwise: each session ends an hour after it
//! starts with `duration = 60`, individual sessions hold one seat and others ten,
//! `current_participants` is recounted from the bookings, every service exists with the type
//! code its sessions call for, and services 0017-0019 are recorded as applied. Defects are
//! added with `after` (raw SQL run last) or the schema switches.
//!
//! Times are written as `2025-01-15T14:00:00Z`, which PostgreSQL parses and SQLite keeps as
//! text the way a Django app with a `Z` would; SQLite-only tests add Django's other forms.

use std::collections::BTreeMap;

use super::{Backend, TestDb};

/// id, service, session_type, visibility, start time.
type SessionRow = (i64, i64, Option<String>, Option<String>, Option<String>);
/// id, session, status, legacy start time, service (when not the session's).
type BookingRow = (
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// The guide's state before its step 4: services 0017-0019 applied, bookings.0013 not yet.
pub const APPLIED_THROUGH_0019: [(&str, &str); 5] = [
    ("services", "0016_remove_servicesession_address_and_more"),
    (
        "services",
        "0017_add_session_type_and_visibility_to_servicesession",
    ),
    ("services", "0018_populate_session_type_and_visibility"),
    (
        "services",
        "0019_create_servicesessions_for_existing_bookings",
    ),
    ("bookings", "0012_remove_meeting_url_fields"),
];

#[derive(Clone)]
pub struct Fixture {
    sessions_table: Option<&'static str>,
    without_legacy_times: bool,
    without_migrations_table: bool,
    migrations: Vec<(&'static str, &'static str)>,
    bookings_engine: Option<&'static str>,
    sessions: Vec<SessionRow>,
    bookings: Vec<BookingRow>,
    after: Vec<String>,
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture {
            sessions_table: None,
            without_legacy_times: false,
            without_migrations_table: false,
            migrations: APPLIED_THROUGH_0019.to_vec(),
            bookings_engine: None,
            sessions: Vec::new(),
            bookings: Vec::new(),
            after: Vec::new(),
        }
    }
}

/// A time literal the backend reads as that UTC instant: MariaDB's DATETIME takes no zone.
fn time(backend: Backend, value: Option<&str>) -> String {
    match (backend, value) {
        (Backend::Mysql, Some(v)) => match chrono::DateTime::parse_from_rfc3339(v) {
            Ok(t) => format!("'{}'", t.to_utc().format("%Y-%m-%d %H:%M:%S%.6f")),
            Err(_) => text(Some(v)),
        },
        _ => text(value),
    }
}

fn text(value: Option<&str>) -> String {
    value.map_or("NULL".into(), |v| format!("'{}'", v.replace('\'', "''")))
}

fn owned(value: Option<&str>) -> Option<String> {
    value.map(str::to_owned)
}

/// An hour later, in the same RFC 3339 form; None when the text is not RFC 3339.
fn hour_later(start: &str) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(start).ok()?;
    Some(
        (t + chrono::Duration::hours(1))
            .to_utc()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
    )
}

impl Fixture {
    pub fn new() -> Self {
        Self::default()
    }

    /// A session: id, service, type, visibility, start time.
    pub fn session(
        mut self,
        id: i64,
        service: i64,
        kind: Option<&str>,
        visibility: Option<&str>,
        start: Option<&str>,
    ) -> Self {
        self.sessions
            .push((id, service, owned(kind), owned(visibility), owned(start)));
        self
    }

    /// A booking: id, session (or none), status, legacy start time. Its service is its
    /// session's (or 1).
    pub fn booking(
        mut self,
        id: i64,
        session: Option<i64>,
        status: Option<&str>,
        start: Option<&str>,
    ) -> Self {
        self.bookings
            .push((id, session, owned(status), owned(start), None));
        self
    }

    /// A booking for another service than its session's.
    pub fn booking_for_service(mut self, id: i64, session: i64, service: i64) -> Self {
        self.bookings.push((
            id,
            Some(session),
            Some("confirmed".into()),
            None,
            Some(service),
        ));
        self
    }

    /// Names the session table as one real deployment does.
    pub fn sessions_table(mut self, name: &'static str) -> Self {
        self.sessions_table = Some(name);
        self
    }

    /// The schema after a cleanup migration dropped the legacy booking times.
    pub fn without_legacy_times(mut self) -> Self {
        self.without_legacy_times = true;
        self
    }

    /// A schema without `django_migrations`.
    pub fn without_migrations_table(mut self) -> Self {
        self.without_migrations_table = true;
        self
    }

    /// The rows of `django_migrations`, replacing the default (services 0016-0019, bookings 0012).
    pub fn migrations(mut self, applied: &[(&'static str, &'static str)]) -> Self {
        self.migrations = applied.to_vec();
        self
    }

    /// MySQL/MariaDB: the bookings table's storage engine (MyISAM enforces no foreign keys).
    pub fn bookings_engine(mut self, engine: &'static str) -> Self {
        self.bookings_engine = Some(engine);
        self
    }

    /// Raw SQL run after every row is in: how a test plants a defect.
    pub fn after(mut self, sql: &str) -> Self {
        self.after.push(sql.to_owned());
        self
    }

    /// The clean database with a few findings of different checks (a booking without a
    /// session, one whose session does not exist, a duplicate workshop time, a count that
    /// disagrees): for tests of how an audit runs, which compare whole reports.
    pub fn with_a_few_findings() -> Self {
        Fixture::clean()
            .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
            .booking(11, Some(999), Some("cancelled"), None)
            .session(
                10,
                2,
                Some("workshop"),
                Some("public"),
                Some("2025-01-16T17:00:00Z"),
            )
            .after("UPDATE services_servicesession SET current_participants = 7 WHERE id = 3")
    }

    /// A clean, small database: every check passes.
    pub fn clean() -> Self {
        Fixture::new()
            .session(
                1,
                1,
                Some("individual"),
                Some("private"),
                Some("2025-01-15T14:00:00Z"),
            )
            .session(
                2,
                2,
                Some("workshop"),
                Some("public"),
                Some("2025-01-16T17:00:00Z"),
            )
            .session(
                3,
                3,
                Some("course_session"),
                Some("public"),
                Some("2025-01-17T17:00:00Z"),
            )
            .booking(1, Some(1), Some("confirmed"), Some("2025-01-15T14:00:00Z"))
            .booking(2, Some(2), Some("confirmed"), None)
            .booking(3, Some(3), Some("completed"), None)
    }

    pub fn create(&self, db: &dyn TestDb) {
        let sessions = self.sessions_table.unwrap_or("services_servicesession");
        let backend = db.backend();
        let (id, time_type) = match backend {
            Backend::Sqlite => ("integer NOT NULL PRIMARY KEY AUTOINCREMENT", "datetime"),
            Backend::Postgres => (
                "bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY",
                "timestamp with time zone",
            ),
            Backend::Mysql => ("bigint NOT NULL AUTO_INCREMENT PRIMARY KEY", "datetime(6)"),
        };
        let engine = self
            .bookings_engine
            .map(|e| format!(" ENGINE={e}"))
            .unwrap_or_default();
        let legacy = if self.without_legacy_times {
            String::new()
        } else {
            format!(", start_time {time_type} NULL, end_time {time_type} NULL")
        };
        let mut sql = format!(
            "CREATE TABLE services_servicetype (id {id}, name varchar(100) NOT NULL, code varchar(50) NOT NULL);\n\
             CREATE TABLE services_service (id {id}, name varchar(200) NOT NULL, service_type_id bigint NOT NULL);\n\
             CREATE TABLE {sessions} (id {id}, service_id bigint NOT NULL, session_type varchar(20) NULL, \
               visibility varchar(20) NULL, start_time {time_type} NULL, end_time {time_type} NULL, duration integer NULL, \
               max_participants integer NOT NULL, current_participants integer NOT NULL);\n\
             CREATE TABLE bookings_booking (id {id}, service_id bigint NOT NULL, service_session_id bigint NULL, \
               status varchar(20) NULL{legacy}){engine};\n\
             INSERT INTO services_servicetype (id, name, code) VALUES (1, '1-to-1', 'session'), (2, 'Workshop', 'workshop'), (3, 'Course', 'course');\n"
        );
        if !self.without_migrations_table {
            sql += &format!(
                "CREATE TABLE django_migrations (id {id}, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied {time_type} NOT NULL);\n"
            );
            for (i, (app, name)) in self.migrations.iter().enumerate() {
                sql += &format!(
                    "INSERT INTO django_migrations (id, app, name, applied) VALUES ({}, '{app}', '{name}', {});\n",
                    i + 1,
                    time(backend, Some("2024-06-01T09:00:00Z"))
                );
            }
        }
        // Every service a row mentions exists, typed after its first session.
        let mut services: BTreeMap<i64, i64> = BTreeMap::new();
        for (_, service, kind, _, _) in &self.sessions {
            let type_id = match kind.as_deref() {
                Some("workshop") => 2,
                Some("course_session") => 3,
                _ => 1,
            };
            services.entry(*service).or_insert(type_id);
        }
        for (_, _, _, _, service) in &self.bookings {
            services.entry(service.unwrap_or(1)).or_insert(1);
        }
        services.entry(1).or_insert(1);
        let rows: Vec<String> = services
            .iter()
            .map(|(s, t)| format!("({s}, 'Service {s}', {t})"))
            .collect();
        sql += &format!(
            "INSERT INTO services_service (id, name, service_type_id) VALUES {};\n",
            rows.join(", ")
        );

        let session_service: BTreeMap<i64, i64> =
            self.sessions.iter().map(|s| (s.0, s.1)).collect();
        if !self.sessions.is_empty() {
            let rows: Vec<String> = self
                .sessions
                .iter()
                .map(|(id, service, kind, visibility, start)| {
                    let end = start.as_deref().and_then(hour_later);
                    let duration = if end.is_some() { "60" } else { "NULL" };
                    let max = if kind.as_deref() == Some("individual") {
                        1
                    } else {
                        10
                    };
                    format!(
                        "({id}, {service}, {}, {}, {}, {}, {duration}, {max}, 0)",
                        text(kind.as_deref()),
                        text(visibility.as_deref()),
                        time(backend, start.as_deref()),
                        time(backend, end.as_deref())
                    )
                })
                .collect();
            sql += &format!(
                "INSERT INTO {sessions} (id, service_id, session_type, visibility, start_time, end_time, duration, max_participants, current_participants) VALUES {};\n",
                rows.join(", ")
            );
        }
        if !self.bookings.is_empty() {
            let rows: Vec<String> = self
                .bookings
                .iter()
                .map(|(id, session, status, start, service)| {
                    let service = service
                        .or_else(|| session.and_then(|s| session_service.get(&s).copied()))
                        .unwrap_or(1);
                    let session = session.map_or("NULL".into(), |s| s.to_string());
                    if self.without_legacy_times {
                        format!("({id}, {service}, {session}, {})", text(status.as_deref()))
                    } else {
                        let end = start.as_deref().and_then(hour_later);
                        format!(
                            "({id}, {service}, {session}, {}, {}, {})",
                            text(status.as_deref()),
                            time(backend, start.as_deref()),
                            time(backend, end.as_deref())
                        )
                    }
                })
                .collect();
            let columns = if self.without_legacy_times {
                "id, service_id, service_session_id, status"
            } else {
                "id, service_id, service_session_id, status, start_time, end_time"
            };
            sql += &format!(
                "INSERT INTO bookings_booking ({columns}) VALUES {};\n",
                rows.join(", ")
            );
        }
        sql += &format!(
            "UPDATE {sessions} SET current_participants = (SELECT COUNT(*) FROM bookings_booking b \
             WHERE b.service_session_id = {sessions}.id AND (b.status IS NULL OR b.status <> 'canceled'));\n"
        );
        for extra in &self.after {
            sql += extra;
            sql += ";\n";
        }
        db.exec(&sql);
    }
}
