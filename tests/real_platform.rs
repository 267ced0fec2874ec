//! The real platform's conventions on its schema as Django creates it, on every backend: a
//! canceled workshop replaced at the same time, a canceled 1-to-1 that still counts its
//! participant, a draft package session without times, draft bookings without a session and
//! the check-only bookings.0013 raise no failure; planted defects next to them are found
//! exactly.

use crate::support::django::{self, BookingSpec, SessionSpec};
use crate::support::{JsonReport, TestDb, check};

const CHECK_ONLY_0013: (&str, &str) = ("bookings", "0013_make_service_session_required");

/// The platform's conventions, none of them a defect.
const CONVENTION_SESSIONS: [SessionSpec; 3] = [
    // A canceled workshop at the same service and time as workshop 2, which replaced it.
    (3, 2, "workshop", "public", "canceled", Some((1, 10)), 10, 1),
    // A canceled 1-to-1 that still counts its (canceled) participant.
    (
        4,
        1,
        "individual",
        "private",
        "canceled",
        Some((2, 9)),
        1,
        1,
    ),
    // A package's draft session: no times yet, no seat held yet.
    (5, 1, "individual", "private", "draft", None, 1, 0),
];
const CONVENTION_BOOKINGS: [BookingSpec; 5] = [
    (3, 2, Some(3), "canceled", Some((1, 10))),
    (4, 1, Some(4), "canceled", Some((2, 9))),
    // The package purchase: confirmed, its session not scheduled yet, no legacy time.
    (5, 1, Some(5), "confirmed", None),
    // A draft booking: the app's Booking.clean() lets drafts have no session.
    (6, 1, None, "draft", None),
    // Soft-deleted (see `soft_delete`): confirmed, scheduled, no session, and not live.
    (9, 1, None, "confirmed", Some((8, 9))),
];

/// Marks booking 9 deleted, as the platform's soft delete does.
fn soft_delete(db: &dyn TestDb) {
    let yes = match db.backend() {
        crate::support::Backend::Postgres => "TRUE",
        _ => "1",
    };
    db.exec(&format!(
        "UPDATE bookings_booking SET is_deleted = {yes}, deleted_at = updated_at WHERE id = 9"
    ));
}

fn audit(db: &dyn TestDb) -> (i32, JsonReport) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("session-audit.toml");
    std::fs::write(&config, django::CONFIG).unwrap();
    let run = check(
        &db.url(),
        &["--config", &config.to_string_lossy(), "--format", "json"],
    );
    assert!(run.code <= 1, "{}", run.stderr);
    (run.code, run.json())
}

/// "id: summary" of every check that failed or errored.
fn failing(report: &JsonReport) -> Vec<String> {
    report
        .checks
        .iter()
        .filter(|c| c.status == "fail" || c.status == "error")
        .map(|c| format!("{}: {}", c.id, c.summary))
        .collect()
}

fn metric(report: &JsonReport, check: &str, name: &str) -> i64 {
    report.check(check).metrics[name]
}

/// The platform with its conventions only, one booking soft-deleted.
fn conventions(db: &dyn TestDb) {
    django::create_with(
        db,
        &CONVENTION_SESSIONS,
        &CONVENTION_BOOKINGS,
        &[CHECK_ONLY_0013],
    );
    soft_delete(db);
}

pub fn conventions_raise_no_failure(db: &dyn TestDb) {
    conventions(db);
    let (code, report) = audit(db);
    assert_eq!(failing(&report), Vec::<String>::new());
    assert_eq!(code, 0);
    assert_eq!(
        report.database.optional_columns,
        [
            "bookings.start_time",
            "bookings.end_time",
            "sessions.duration",
            "sessions.max_participants",
            "sessions.status",
            "bookings.is_deleted"
        ]
    );
    let state = report.check("migration-state");
    assert!(
        state.summary.contains("check-only form"),
        "{}",
        state.summary
    );
    assert_eq!(
        metric(&report, "migration-state", "service_session_required"),
        0
    );
    assert_eq!(
        metric(&report, "coverage", "unscheduled_without_session"),
        1
    );
    assert_eq!(metric(&report, "duplicate-times", "duplicate_groups"), 0);
    assert_eq!(metric(&report, "capacity", "canceled_sessions_excluded"), 2);
    assert_eq!(metric(&report, "capacity", "draft_sessions_excluded"), 1);
    assert_eq!(
        metric(&report, "reminder-readiness", "awaiting_schedule"),
        1
    );
    assert_eq!(
        metric(&report, "reminder-readiness", "without_start_time"),
        0
    );
    assert_eq!(
        metric(&report, "rollback-safety", "bookings_losing_schedule"),
        0
    );
    assert_eq!(
        metric(&report, "rollback-safety", "draft_sessions_without_times"),
        1
    );
}

pub fn planted_defects_are_found_exactly(db: &dyn TestDb) {
    let sessions: Vec<SessionSpec> = CONVENTION_SESSIONS
        .into_iter()
        .chain([
            // Two scheduled workshops of one service at one time: a real duplicate.
            (
                6,
                2,
                "workshop",
                "public",
                "scheduled",
                Some((5, 10)),
                10,
                0,
            ),
            (
                7,
                2,
                "workshop",
                "public",
                "scheduled",
                Some((5, 10)),
                10,
                0,
            ),
            // A scheduled 1-to-1 that counts a participant it does not have.
            (
                8,
                1,
                "individual",
                "private",
                "scheduled",
                Some((6, 9)),
                1,
                1,
            ),
        ])
        .collect();
    let bookings: Vec<BookingSpec> = CONVENTION_BOOKINGS
        .into_iter()
        // A confirmed booking without a session, written after the check-only 0013 ran.
        .chain([(7, 1, None, "confirmed", Some((7, 9)))])
        .collect();
    django::create_with(db, &sessions, &bookings, &[CHECK_ONLY_0013]);
    soft_delete(db);
    let (code, report) = audit(db);
    assert_eq!(code, 1);
    let failing: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == "fail")
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        failing,
        [
            "migration-state",
            "coverage",
            "make-required-readiness",
            "duplicate-times",
            "capacity"
        ]
    );
    assert_eq!(metric(&report, "coverage", "scheduled_without_session"), 1);
    assert_eq!(report.check("coverage").sample_ids, [6, 7]);
    assert_eq!(report.check("make-required-readiness").sample_ids, [7]);
    assert_eq!(metric(&report, "duplicate-times", "duplicate_groups"), 1);
    assert_eq!(report.check("duplicate-times").sample_ids, [6, 7]);
    assert_eq!(metric(&report, "capacity", "sessions_with_problems"), 1);
    assert_eq!(report.check("capacity").sample_ids, [8]);
    assert_eq!(report.check("orphan-sessions").sample_ids, [8]);
}

/// A deployment that renamed columns (Django's `db_column`): the config maps them and every
/// check reports exactly what it reports on the same data under the usual names.
pub fn renamed_columns_are_mapped_by_the_config(db: &dyn TestDb) {
    conventions(db);
    let (_, usual) = audit(db);
    // PostgreSQL, MariaDB 10.5+ and SQLite 3.25+ all take RENAME COLUMN; keys follow it.
    let rename = |table: &str, from: &str, to: &str| {
        db.exec(&format!("ALTER TABLE {table} RENAME COLUMN {from} TO {to}"));
    };
    rename("service_sessions", "start_time", "starts_at");
    rename("service_sessions", "status", "lifecycle");
    rename("bookings_booking", "service_session_id", "session_ref");
    rename("bookings_booking", "is_deleted", "removed");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("renamed.toml");
    let mapped = format!(
        "{}\n[columns.sessions]\nstart_time = \"starts_at\"\nstatus = \"lifecycle\"\n[columns.bookings]\nservice_session_id = \"session_ref\"\nis_deleted = \"removed\"\n",
        django::CONFIG
    );
    std::fs::write(&config, &mapped).unwrap();
    let run = check(
        &db.url(),
        &["--config", &config.to_string_lossy(), "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let renamed = run.json();
    for (a, b) in usual.checks.iter().zip(&renamed.checks) {
        assert_eq!(
            (&a.id, &a.status, &a.metrics, &a.sample_ids),
            (&b.id, &b.status, &b.metrics, &b.sample_ids),
            "{}: {}",
            b.id,
            b.summary
        );
    }
    // A mapping to a column that is not there names the look-alike, once, exit 2.
    std::fs::write(&config, mapped.replace("\"starts_at\"", "\"start_at\"")).unwrap();
    let run = check(&db.url(), &["--config", &config.to_string_lossy()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "start_time = \"start_at\" names no column of service_sessions (did you mean starts_at?)"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
}

/// `init --database-url` writes a config made for the database: the session table it chose,
/// the values outside the vocabulary marked, the migration state and what fix-sql will need.
/// The file it writes is then the audit's config as it stands.
pub fn init_writes_a_config_made_for_the_database(db: &dyn TestDb) {
    let bookings: Vec<BookingSpec> = CONVENTION_BOOKINGS
        .into_iter()
        .chain([(8, 1, Some(1), "cancelled", Some((1, 9)))])
        .collect();
    django::create_with(db, &CONVENTION_SESSIONS, &bookings, &[CHECK_ONLY_0013]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("made.toml");
    let path = path.to_string_lossy();
    let run = crate::support::run(crate::support::bin().args([
        "init",
        &path,
        "--database-url",
        &db.url(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&*path).unwrap();
    for line in [
        "sessions = \"service_sessions\"",
        "# tables.sessions: service_sessions, chosen for services_servicesession, which does not exist",
        "\"cancelled\" (1, NOT in statuses.known: decide)",
        "service_sessions.status: \"canceled\" (2), \"scheduled\" (2), \"draft\" (1)",
        "optional columns present: bookings.start_time, bookings.end_time, sessions.duration, sessions.max_participants, sessions.status, bookings.is_deleted",
        "bookings are soft-deleted",
        "bookings.0013_make_service_session_required",
        "fix-sql needs [fix.session_defaults] values for reschedule_count, sequence_number, status",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let run = check(&db.url(), &["--config", &path, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert!(
        report.checks.iter().all(|c| c.status != "error"),
        "{}",
        run.stdout
    );
    assert_eq!(
        report.check("status-vocabulary").status,
        "fail",
        "the typo is found"
    );
}

/// After the platform's cleanup migration dropped the legacy booking times (Django's own DDL
/// for it, applied to a populated database): what needs them is skipped, nothing fails, and
/// fix-sql says it has nothing to rebuild sessions from.
pub fn after_the_cleanup_nothing_fails(db: &dyn TestDb) {
    conventions(db);
    db.exec(django::cleanup(db.backend()));
    let (code, report) = audit(db);
    assert_eq!(failing(&report), Vec::<String>::new());
    assert_eq!(code, 0);
    assert_eq!(report.check("legacy-time-drift").status, "skipped");
    assert_eq!(
        report.database.optional_columns,
        [
            "sessions.duration",
            "sessions.max_participants",
            "sessions.status",
            "bookings.is_deleted"
        ],
        "the legacy times are gone"
    );
    assert_eq!(
        metric(&report, "reminder-readiness", "awaiting_schedule"),
        1
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(&config, django::CONFIG).unwrap();
    let fix = crate::support::run(crate::support::bin().args([
        "fix-sql",
        "--database-url",
        &db.url(),
        "--config",
        &config.to_string_lossy(),
    ]));
    assert_eq!(fix.code, 2);
    assert!(
        fix.stderr
            .contains("bookings_booking.start_time, which this database does not have"),
        "{}",
        fix.stderr
    );
}

on_every_backend!(
    conventions_raise_no_failure,
    planted_defects_are_found_exactly,
    renamed_columns_are_mapped_by_the_config,
    init_writes_a_config_made_for_the_database,
    after_the_cleanup_nothing_fails
);
