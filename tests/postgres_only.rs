//! PostgreSQL specifics: the snapshot's settings, time limits, and connection failures.

use crate::support::pg::{PgCluster, PgDb};
use crate::support::{Fixture, TestDb, check};

/// The audit's transaction is what the contract says: read only, repeatable read, UTC, named.
/// A view in place of the bookings table reports the settings it runs under as its status.
#[test]
fn the_audit_runs_read_only_on_one_snapshot() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    db.exec(
        "ALTER TABLE bookings_booking RENAME TO bookings_real;
         CREATE VIEW bookings_booking AS
         SELECT id, service_id, NULL::bigint AS service_session_id,
                current_setting('transaction_read_only') || '/' || current_setting('transaction_isolation')
                || '/' || current_setting('TimeZone') || '/' || current_setting('application_name')
                || '/' || current_setting('statement_timeout') || '/' || current_setting('lock_timeout') AS status,
                start_time
         FROM bookings_real WHERE id = 1;",
    );
    let run = check(
        &db.url(),
        &[
            "--format",
            "json",
            "--statement-timeout",
            "42s",
            "--lock-timeout",
            "3s",
        ],
    );
    let report = run.json();
    assert_eq!(
        report.check("coverage").rows_of(&["status"]),
        ["\"on/repeatable read/UTC/session-audit/42s/3s\""]
    );
}

#[test]
fn statement_timeout_is_an_error_with_exit_2() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    db.exec(
        "ALTER TABLE services_servicesession RENAME TO sessions_real;
         CREATE VIEW services_servicesession AS SELECT s.* FROM sessions_real s, pg_sleep(3) AS pause;",
    );
    let started = std::time::Instant::now();
    let run = check(
        &db.url(),
        &["--format", "json", "--statement-timeout", "200ms"],
    );
    assert_eq!(run.code, 2);
    let report = run.json();
    assert_eq!(report.verdict, "error");
    let types = report.check("type-distribution");
    assert_eq!(types.status, "error");
    assert!(
        types.summary.contains("statement timeout of 200ms"),
        "{}",
        types.summary
    );
    assert_eq!(
        report.check("coverage").status,
        "pass",
        "a timed-out check costs only itself"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn lock_timeout_is_an_error_with_exit_2() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    let mut holder = db.client();
    let mut tx = holder.transaction().expect("begin");
    tx.batch_execute("LOCK TABLE bookings_booking IN ACCESS EXCLUSIVE MODE")
        .expect("lock");
    let run = check(&db.url(), &["--format", "json", "--lock-timeout", "200ms"]);
    tx.rollback().expect("release the lock");
    assert_eq!(run.code, 2, "{}", run.stdout);
    let report = run.json();
    // The schema is read before the checks, and information_schema waits on no table lock.
    let coverage = report.check("coverage");
    assert_eq!(coverage.status, "error");
    assert!(
        coverage.summary.contains("lock timeout of 200ms"),
        "{}",
        coverage.summary
    );
}

#[test]
fn unreachable_server_is_exit_2_and_hides_the_password() {
    let run = check(
        "postgres://postgres:hunter2-sentinel@127.0.0.1:1/test",
        &["--format", "json"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot connect to PostgreSQL at postgres://postgres:***@127.0.0.1:1/test: connection refused"), "{}", run.stderr);
    let report = run.json();
    assert_eq!(report.verdict, "error");
    assert_eq!(
        report.database.url,
        "postgres://postgres:***@127.0.0.1:1/test"
    );
    assert!(!run.stdout.contains("hunter2-sentinel") && !run.stderr.contains("hunter2-sentinel"));
}

#[test]
fn missing_database_is_exit_2_naming_it() {
    let Some(db) = PgDb::new() else { return };
    let url = crate::support::with_database(&db.url(), "sa_no_such_database");
    let run = check(&url, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("database \"sa_no_such_database\" does not exist; check the database name"),
        "{}",
        run.stderr
    );
}

#[test]
fn wrong_password_is_exit_2_and_the_password_never_appears() {
    const SENTINEL: &str = "Sentinel-Pa55-wrong";
    let Some(cluster) = PgCluster::start("right-password") else {
        return;
    };
    for format in ["table", "json", "csv"] {
        let run = check(&cluster.url(SENTINEL), &["--format", format]);
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("authentication failed for user \"postgres\""),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("check the user name and password"),
            "{}",
            run.stderr
        );
        assert!(
            !run.stdout.contains(SENTINEL) && !run.stderr.contains(SENTINEL),
            "{format} leaked the password"
        );
    }
    // And the right password gets in, so the failure above was the password.
    let run = check(&cluster.url("right-password"), &["--format", "json"]);
    assert_eq!(run.code, 2, "an empty cluster has no tables");
    assert!(
        run.json()
            .check("coverage")
            .summary
            .contains("does not exist")
    );
}

/// Checks spread over four connections give the report one connection gives.
#[test]
fn jobs_change_nothing_in_the_report() {
    let Some(db) = PgDb::new() else { return };
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
        .create(&db);
    let one = check(&db.url(), &["--format", "json", "--jobs", "1"]);
    let four = check(&db.url(), &["--format", "json", "--jobs", "4"]);
    assert_eq!(one.code, 1);
    assert_eq!((four.code, &four.stdout), (one.code, &one.stdout));
}

/// Every connection of a parallel audit reads the same snapshot, even while another session
/// commits all the time: a view shows each query the snapshot it runs in.
#[test]
fn parallel_checks_share_one_snapshot() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    db.exec(
        "CREATE TABLE churn (id bigserial PRIMARY KEY);
         ALTER TABLE bookings_booking RENAME TO bookings_real;
         CREATE VIEW bookings_booking AS
         SELECT id, service_id, NULL::bigint AS service_session_id, pg_current_snapshot()::text AS status,
                NULL::timestamptz AS start_time, NULL::timestamptz AS end_time
         FROM bookings_real;",
    );
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, mut client) = (stop.clone(), db.client());
        std::thread::spawn(move || {
            let mut commits = 0;
            while !stop.load(Ordering::Relaxed) {
                client
                    .batch_execute("INSERT INTO churn DEFAULT VALUES")
                    .expect("commit");
                commits += 1;
            }
            commits
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    // coverage reads the bookings profile on one connection, reminder-readiness its own query
    // on the other; both list the statuses they saw.
    let run = check(
        &db.url(),
        &[
            "--format",
            "json",
            "--jobs",
            "2",
            "--only",
            "coverage,reminder-readiness",
        ],
    );
    stop.store(true, Ordering::Relaxed);
    let commits = writer.join().expect("writer");
    assert!(
        commits > 10,
        "the writer committed while the audit ran ({commits})"
    );
    let report = run.json();
    let mut seen: Vec<String> = ["coverage", "reminder-readiness"]
        .iter()
        .flat_map(|id| report.check(id).rows_of(&["status"]))
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 1, "one snapshot for every connection: {seen:?}");
}
