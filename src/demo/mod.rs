//! `session-audit demo`: a realistic Django-shaped SQLite database with known defects.
//!
//! The schema is what Django's SQLite backend creates for the booking platform's models
//! (bookings, sessions, services, service types, migrations); the data is generated from a
//! fixed seed, so every run writes the same database and the same report. The defects are
//! placed on purpose, a handful of each kind the checks look for; `DEFECTS` lists them.
//!
//! This is the one place session-audit writes a database, and only a new file: the database is
//! built in a temporary file and renamed into place, and an existing file is replaced only if
//! its SQLite `application_id` says an earlier demo wrote it.

mod generate;

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

use crate::error::AuditError;

/// Marks a file as a session-audit demo database ("SADM"), so a rerun may replace it.
const DEMO_APPLICATION_ID: u32 = 0x5341_444D;

const SCHEMA: &str = r#"
CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL);
CREATE TABLE "services_servicetype" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL, "code" varchar(50) NOT NULL UNIQUE, "description" text NOT NULL);
CREATE TABLE "services_service" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(200) NOT NULL, "duration_minutes" integer unsigned NOT NULL CHECK ("duration_minutes" >= 0), "max_participants" integer unsigned NOT NULL CHECK ("max_participants" >= 0), "price_cents" integer NOT NULL, "is_active" bool NOT NULL, "created_at" datetime NOT NULL, "service_type_id" bigint NOT NULL REFERENCES "services_servicetype" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "services_service_service_type_id_6a7b1c2d" ON "services_service" ("service_type_id");
CREATE TABLE "services_servicesession" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "start_time" datetime NULL, "end_time" datetime NULL, "duration" integer unsigned NULL CHECK ("duration" >= 0), "max_participants" integer unsigned NOT NULL CHECK ("max_participants" >= 0), "current_participants" integer unsigned NOT NULL CHECK ("current_participants" >= 0), "session_type" varchar(20) NOT NULL, "visibility" varchar(20) NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "service_id" bigint NOT NULL REFERENCES "services_service" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "services_servicesession_service_id_1f3e5a7c" ON "services_servicesession" ("service_id");
CREATE INDEX "services_servicesession_start_time_9c8d7e6f" ON "services_servicesession" ("start_time");
CREATE INDEX "services_servicesession_session_type_4b5a6c7d" ON "services_servicesession" ("session_type");
CREATE TABLE "bookings_booking" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "status" varchar(20) NOT NULL, "start_time" datetime NULL, "end_time" datetime NULL, "price_charged_cents" integer NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "user_id" bigint NOT NULL, "service_id" bigint NOT NULL REFERENCES "services_service" ("id") DEFERRABLE INITIALLY DEFERRED, "service_session_id" bigint NULL REFERENCES "services_servicesession" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "bookings_booking_service_id_2a3b4c5d" ON "bookings_booking" ("service_id");
CREATE INDEX "bookings_booking_service_session_id_8e9f0a1b" ON "bookings_booking" ("service_session_id");
CREATE INDEX "bookings_booking_status_5c6d7e8f" ON "bookings_booking" ("status");
"#;

/// A fixed-seed generator (SplitMix64): the same demo on every machine and every version,
/// which a general-purpose RNG crate does not promise.
/// Writes the demo database at `path` (see the module docs for when it may replace a file).
pub fn write(path: &Path) -> Result<(), AuditError> {
    if path.exists() && !is_demo_database(path) {
        return Err(AuditError::DemoWouldOverwrite {
            path: path.to_owned(),
        });
    }
    let fail = |reason: String| AuditError::Demo {
        path: path.to_owned(),
        reason,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".session-audit-demo")
        .tempfile_in(dir)
        .map_err(|e| {
            fail(format!(
                "{e}; check that the directory exists and is writable"
            ))
        })?;
    let temp_path = temp.path().to_string_lossy().into_owned();
    {
        let mut conn = SqliteConnection::establish(&temp_path).map_err(|e| fail(e.to_string()))?;
        // Foreign keys off, as in the raw deletes and imports that leave dangling references
        // behind: the demo plants two.
        conn.batch_execute(&format!(
            "PRAGMA application_id = {DEMO_APPLICATION_ID}; PRAGMA foreign_keys = OFF;"
        ))
        .and_then(|()| conn.batch_execute(SCHEMA))
        .and_then(|()| conn.batch_execute(&generate::generate()))
        .map_err(|e| fail(e.to_string()))?;
    }
    temp.persist(path).map_err(|e| fail(e.error.to_string()))?;
    Ok(())
}

/// Reads the SQLite header: bytes 0-15 are the magic string, 68-71 the application id.
fn is_demo_database(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    bytes.len() >= 72
        && bytes.starts_with(b"SQLite format 3\0")
        && u32::from_be_bytes([bytes[68], bytes[69], bytes[70], bytes[71]]) == DEMO_APPLICATION_ID
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_refuses_to_replace_a_foreign_file_but_replaces_itself() {
        let dir = tempfile::tempdir().unwrap();
        let foreign = dir.path().join("prod.sqlite3");
        std::fs::write(&foreign, b"not a demo").unwrap();
        assert!(matches!(
            write(&foreign),
            Err(AuditError::DemoWouldOverwrite { .. })
        ));
        assert_eq!(std::fs::read(&foreign).unwrap(), b"not a demo");

        let demo = dir.path().join("demo.sqlite3");
        write(&demo).unwrap();
        let first = std::fs::read(&demo).unwrap();
        write(&demo).unwrap();
        assert_eq!(
            std::fs::read(&demo).unwrap(),
            first,
            "the demo is deterministic"
        );
    }
}
