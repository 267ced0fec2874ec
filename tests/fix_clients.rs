//! `fix-sql` applied as an operator applies it: with each client, stopping at errors or not,
//! twice, on the real platform's schema as Django creates it (NOT NULL session columns whose
//! defaults live in Python only). After the first run the gate passes and exactly the expected
//! sessions exist; the second run changes nothing; a statement made to fail midway leaves the
//! database as it was, whichever client goes on after it.

use std::path::Path;

use crate::support::clients::{Client, apply, available, dump, program};
use crate::support::django::{self, BookingSpec};
use crate::support::{JsonReport, TestDb, check, run};

/// Booking 10 and 14 get sessions of their own, 11 joins the workshop at its time, 13 (a draft
/// without times) is left alone.
const TO_REPAIR: [BookingSpec; 4] = [
    (10, 1, None, "confirmed", Some((2, 9))),
    (11, 2, None, "confirmed", Some((1, 10))),
    (13, 1, None, "draft", None),
    (14, 1, None, "pending_payment", Some((3, 9))),
];

fn config(dir: &Path) -> String {
    let path = dir.join("session-audit.toml");
    std::fs::write(&path, django::CONFIG).unwrap();
    path.to_string_lossy().into_owned()
}

fn audit(db: &dyn TestDb, config: &str) -> JsonReport {
    let run = check(&db.url(), &["--config", config, "--format", "json"]);
    assert!(run.code <= 1, "{}", run.stderr);
    run.json()
}

fn fix_sql(db: &dyn TestDb, config: &str, extra: &[&str]) -> crate::support::Run {
    run(crate::support::bin()
        .args(["fix-sql", "--database-url", &db.url(), "--config", config])
        .args(extra))
}

fn metric(report: &JsonReport, check: &str, name: &str) -> i64 {
    report.check(check).metrics[name]
}

/// The whole matrix cell: write, apply, audit, apply again, audit again.
fn applied_twice(db: &dyn TestDb, client: Client) {
    if !available(program(client)) {
        return;
    }
    django::create(db, &TO_REPAIR);
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let before = audit(db, &config);
    assert_eq!(before.check("make-required-readiness").status, "fail");

    let fix = fix_sql(db, &config, &[]);
    assert_eq!(fix.code, 0, "{}", fix.stderr);
    let script = dir.path().join("fix.sql");
    std::fs::write(&script, &fix.stdout).unwrap();
    for line in [
        "--   1 bookings linked to the one existing session",
        "--   2 individual/private sessions created",
        "--   1 bookings without a session left alone",
        "status 'draft' is not scheduled: booking(s) 13",
        "-- New sessions take from [fix.session_defaults]: reschedule_count, sequence_number, status",
    ] {
        assert!(fix.stdout.contains(line), "{line}\n{}", fix.stdout);
    }
    assert_eq!(dump(db), dump(db), "the dump is stable");
    let untouched = dump(db);
    assert_eq!(untouched, dump(db));

    let first = apply(client, db, &script);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{client:?}: {stderr}");
    assert!(
        !stderr.contains("ERROR") && !stderr.contains("Error"),
        "{client:?}: {stderr}"
    );
    let after = audit(db, &config);
    assert_eq!(
        after.check("make-required-readiness").status,
        "pass",
        "{client:?}"
    );
    assert_eq!(after.check("dangling-session").status, "pass", "{client:?}");
    assert_eq!(
        metric(&after, "type-distribution", "total_sessions"),
        metric(&before, "type-distribution", "total_sessions") + 2,
        "{client:?}: exactly two new sessions"
    );
    assert_eq!(
        metric(&after, "coverage", "without_session"),
        1,
        "{client:?}: only the draft is left"
    );
    assert_eq!(
        after.check("capacity").status,
        before.check("capacity").status
    );
    // Everything but the repaired counts reports what it did before.
    let counting = [
        "coverage",
        "make-required-readiness",
        "type-distribution",
        "rollback-safety",
        "type-matches-service",
        "migration-state",
    ];
    let repaired_checks = ["coverage", "make-required-readiness"];
    for (b, a) in before.checks.iter().zip(&after.checks) {
        assert_eq!(b.id, a.id);
        if repaired_checks.contains(&b.id.as_str()) {
            continue;
        }
        assert_eq!(b.status, a.status, "{client:?}: {}", a.summary);
        if !counting.contains(&b.id.as_str()) {
            assert_eq!(b.metrics, a.metrics, "{client:?}: {} changed", b.id);
        }
    }
    let repaired = dump(db);
    assert!(
        repaired.contains("b|11|2|confirmed"),
        "{client:?}: {repaired}"
    );
    assert!(
        repaired.contains("s|2|2|workshop"),
        "{client:?}: the workshop counts its new booking: {repaired}"
    );

    let second = apply(client, db, &script);
    assert!(
        second.status.success(),
        "{client:?}: {}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(
        dump(db),
        repaired,
        "{client:?}: the second run changed something"
    );
    let again = fix_sql(db, &config, &[]);
    assert!(
        again.stdout.contains("-- Nothing to repair"),
        "{}",
        again.stdout
    );
}

/// One statement fails midway: a concurrent session takes the (service, start time) a new
/// session needs, under a unique index. Nothing is changed, whichever client runs it.
fn failing_midway(db: &dyn TestDb, client: Client) {
    if !available(program(client)) {
        return;
    }
    django::create(db, &TO_REPAIR);
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let fix = fix_sql(db, &config, &[]);
    assert_eq!(fix.code, 0, "{}", fix.stderr);
    let script = dir.path().join("fix.sql");
    std::fs::write(&script, &fix.stdout).unwrap();
    let b = db.backend();
    db.exec(&format!(
        "CREATE UNIQUE INDEX one_session_per_time ON service_sessions (service_id, start_time);\n\
         INSERT INTO service_sessions (id, service_id, session_type, visibility, start_time, end_time, duration, max_participants, current_participants, sequence_number, status, created_at, updated_at, reschedule_count) \
         VALUES (3, 1, 'workshop', 'public', {}, {}, 60, 5, 0, 0, 'scheduled', {}, {}, 0)",
        django::at(b, 2, 9),
        django::at(b, 2, 10),
        django::at(b, 1, 8),
        django::at(b, 1, 8),
    ));
    let untouched = dump(db);
    let out = apply(client, db, &script);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        dump(db),
        untouched,
        "{client:?} changed the database:\n{stdout}\n{stderr}"
    );
    let noticed = format!("{stdout}{stderr}").to_lowercase();
    assert!(
        noticed.contains("unique") || noticed.contains("duplicate"),
        "{client:?} said nothing of the failure:\n{stdout}\n{stderr}"
    );
}

/// Without values for the NOT NULL columns Django fills in Python, no script: exit 2 and one
/// line naming every such column and where to give it.
fn refuses_without_session_defaults(db: &dyn TestDb) {
    django::create(db, &TO_REPAIR);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bare.toml");
    let bare = django::CONFIG
        .split("[fix.session_defaults]")
        .next()
        .unwrap();
    std::fs::write(&path, bare).unwrap();
    let fix = fix_sql(db, &path.to_string_lossy(), &[]);
    assert_eq!(fix.code, 2, "{}", fix.stdout);
    assert_eq!(fix.stdout, "");
    assert_eq!(fix.stderr.trim().lines().count(), 1, "{}", fix.stderr);
    assert!(
        fix.stderr.contains(
            "service_sessions has NOT NULL column(s) without a database default that fix-sql has no value for: reschedule_count, sequence_number, status;"
        ),
        "{}",
        fix.stderr
    );
    assert!(
        fix.stderr.contains("[fix.session_defaults]"),
        "{}",
        fix.stderr
    );
}

/// A status outside the vocabulary (`cancelled`, a typo of `canceled`) is listed and left
/// alone; --include-unknown-status is the explicit way to repair it.
fn unknown_statuses_are_left_alone_unless_asked(db: &dyn TestDb) {
    django::create(db, &[(12, 1, None, "cancelled", Some((4, 9)))]);
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let fix = fix_sql(db, &config, &[]);
    assert_eq!(fix.code, 0, "{}", fix.stderr);
    assert!(
        fix.stdout.contains(
            "status 'cancelled' is not in statuses.known, likely a typo of 'canceled' (--include-unknown-status repairs them): booking(s) 12"
        ),
        "{}",
        fix.stdout
    );
    assert!(
        fix.stdout.contains("-- Nothing to repair"),
        "{}",
        fix.stdout
    );
    let fix = fix_sql(db, &config, &["--include-unknown-status"]);
    assert!(
        fix.stdout
            .contains("-- booking 12: new individual/private session"),
        "{}",
        fix.stdout
    );
}

on_every_backend!(
    refuses_without_session_defaults,
    unknown_statuses_are_left_alone_unless_asked
);

macro_rules! clients {
    ($($name:ident: $db:expr, $client:expr;)*) => {
        mod applied_twice {
            use super::*;
            $(
                #[test]
                fn $name() {
                    let Some(db) = $db else { return };
                    applied_twice(&db, $client);
                }
            )*
        }
        mod failing_midway {
            use super::*;
            $(
                #[test]
                fn $name() {
                    let Some(db) = $db else { return };
                    failing_midway(&db, $client);
                }
            )*
        }
    };
}

clients! {
    sqlite3: Some(crate::support::SqliteDb::new()), Client::Sqlite3;
    sqlite3_bail: Some(crate::support::SqliteDb::new()), Client::Sqlite3Bail;
    python_executescript: Some(crate::support::SqliteDb::new()), Client::PythonExecutescript;
    psql: crate::support::pg::PgDb::new(), Client::Psql;
    psql_on_error_stop: crate::support::pg::PgDb::new(), Client::PsqlOnErrorStop;
    mysql: crate::support::mysql::MysqlDb::new(), Client::Mysql;
    mysql_force: crate::support::mysql::MysqlDb::new(), Client::MysqlForce;
    mariadb: crate::support::mysql::MysqlDb::new(), Client::Mariadb;
}
