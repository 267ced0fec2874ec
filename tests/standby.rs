//! A PostgreSQL hot standby made by `pg_basebackup -R`, as operators read production off a
//! replica: every check, `--jobs`, `explain` and `report` work there and give the primary's
//! answers; the report says it read a standby and its replay lag; a query the standby
//! cancels in a recovery conflict is exit 2 with the way out.

use std::time::{Duration, Instant};

use crate::support::standby::PgPair;
use crate::support::{Fixture, bin, check, run};

/// A JSON report without what differs between two audits of the same data on two servers:
/// times, durations and the `database` object (port, recovery state).
fn answers(json: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(json).expect("a JSON report");
    crate::support::report::validate(&value);
    let report = value.as_object_mut().expect("an object");
    for field in ["generated_at", "duration_ms", "database"] {
        report.remove(field).expect(field);
    }
    for check in report["checks"].as_array_mut().expect("checks") {
        check
            .as_object_mut()
            .expect("a check")
            .remove("duration_ms");
    }
    value
}

fn defects() -> Fixture {
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .session(
            20,
            2,
            Some("workshop"),
            Some("public"),
            Some("2025-02-01T10:00:00Z"),
        )
        .session(
            21,
            2,
            Some("workshop"),
            Some("public"),
            Some("2025-02-01T10:00:00Z"),
        )
}

#[test]
fn a_hot_standby_answers_as_its_primary_and_the_report_says_it_is_one() {
    let Some(pair) = PgPair::start("") else {
        return;
    };
    defects().create(&pair.primary_db());
    pair.wait_for_replay();

    let primary = check(&pair.primary_url(), &["--format", "json"]);
    assert_eq!(primary.code, 1, "{}", primary.stderr);
    let on_primary = primary.json();
    assert_eq!(on_primary.database.in_recovery, Some(false));
    assert_eq!(on_primary.database.replay_lag_s, None);
    let expected = answers(&primary.stdout);

    for jobs in ["1", "2", "4"] {
        let standby = check(&pair.standby_url(), &["--format", "json", "--jobs", jobs]);
        assert_eq!(standby.code, 1, "--jobs {jobs}: {}", standby.stderr);
        let report = standby.json();
        assert_eq!(report.database.in_recovery, Some(true), "--jobs {jobs}");
        let lag = report
            .database
            .replay_lag_s
            .expect("a lag: the standby replayed the fixture");
        assert!((0.0..600.0).contains(&lag), "{lag}");
        assert_eq!(answers(&standby.stdout), expected, "--jobs {jobs}");
    }

    let table = check(&pair.standby_url(), &[]);
    assert_eq!(table.code, 1);
    assert!(
        table
            .stdout
            .contains("read on a hot standby (in recovery): replay lag "),
        "{}",
        table.stdout
    );
    let explain = run(bin().args(["explain", "--database-url", &pair.standby_url()]));
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    let dir = tempfile::tempdir().expect("temp dir");
    let report = run(bin()
        .args([
            "-q",
            "report",
            "--database-url",
            &pair.standby_url(),
            "--dir",
        ])
        .arg(dir.path()));
    assert_eq!(report.code, 1, "{}", report.stderr);
    let page = std::fs::read_to_string(dir.path().join("latest.html")).expect("latest.html");
    assert!(
        page.contains("id=\"standby\""),
        "the page says it read a standby"
    );
}

/// The standby cancels the audit's query to replay a change from the primary (here an
/// ALTER TABLE, whose lock conflicts with the audit's, at max_standby_streaming_delay = 0):
/// the audit is exit 2, and says it was a recovery conflict and how to avoid one.
#[test]
fn a_recovery_conflict_is_exit_2_with_the_way_out() {
    let Some(pair) = PgPair::start("-c max_standby_streaming_delay=0") else {
        return;
    };
    Fixture::clean()
        .session(
            10,
            2,
            Some("workshop"),
            Some("public"),
            Some("2025-02-01T10:00:00Z"),
        )
        .after(
            "INSERT INTO bookings_booking (id, service_id, service_session_id, status, start_time) \
             SELECT 1000 + g, 2, 10, 'confirmed', TIMESTAMPTZ '2025-02-01T10:00:00Z' \
             FROM generate_series(1, 2000000) g; \
             ANALYZE bookings_booking;",
        )
        .create(&pair.primary_db());
    pair.wait_for_replay();

    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("session-audit"))
        .env_remove("DATABASE_URL")
        .args([
            "check",
            "--jobs",
            "1",
            "--database-url",
            &pair.standby_url(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the audit");
    // Once the audit's transaction has read the bookings (it holds their lock until it ends),
    // the primary takes an exclusive lock the standby must replay.
    let mut standby = pair.standby();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let reading: i64 = standby
            .query_one(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                 WHERE c.relname = 'bookings_booking' AND l.pid <> pg_backend_pid()",
                &[],
            )
            .expect("the standby's locks")
            .get(0);
        if reading > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the audit never read the bookings"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    pair.primary()
        .batch_execute("ALTER TABLE bookings_booking ADD COLUMN note text")
        .expect("alter on the primary");
    let out = child.wait_with_output().expect("the audit ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    eprintln!("the audit said: {stderr}");
    assert!(
        stderr.contains("recovery conflict")
            && stderr.contains("hot_standby_feedback")
            && stderr.contains("max_standby_streaming_delay"),
        "{stderr}"
    );
}
