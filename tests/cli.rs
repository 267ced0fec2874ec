//! The command line itself: usage errors, help, the demo, and the exit-code contract.

use crate::support::{SqliteDb, TestDb, bin, check, run};

#[test]
fn help_is_stable() {
    let out = run(bin().arg("check").arg("--help"));
    assert_eq!(out.code, 0);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn unknown_flag_is_a_usage_error_with_exit_2() {
    let out = run(bin().args(["check", "--no-such-flag"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--no-such-flag"), "{}", out.stderr);
}

#[test]
fn bad_duration_is_a_usage_error_with_exit_2() {
    let out = run(bin().args([
        "check",
        "--database-url",
        "x.db",
        "--statement-timeout",
        "0s",
    ]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("more than zero"), "{}", out.stderr);
    let out = run(bin().args(["check", "--database-url", "x.db", "--lock-timeout", "soon"]));
    assert_eq!(out.code, 2);
}

#[test]
fn bad_sample_is_a_usage_error_with_exit_2() {
    let out = run(bin().args(["check", "--database-url", "x.db", "--sample", "some"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("neither a whole number nor `all`"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_database_url_is_exit_2_with_the_way_out() {
    let out = run(bin().arg("check"));
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.trim(),
        "error: no database given: pass --database-url URL or set DATABASE_URL (postgres://…, sqlite://PATH or a file path)"
    );
}

#[test]
fn no_database_url_still_gives_an_error_report_in_json() {
    let out = run(bin().args(["check", "--format", "json"]));
    assert_eq!(out.code, 2);
    let report = out.json();
    assert_eq!(report.verdict, "error");
    assert_eq!(report.database.backend, None);
    assert!(report.checks.is_empty());
    assert!(
        report
            .error
            .as_deref()
            .is_some_and(|e| e.contains("no database given"))
    );
}

#[test]
fn database_url_comes_from_the_environment() {
    let db = SqliteDb::new();
    crate::support::Fixture::clean().create(&db);
    let out = run(bin()
        .args(["check", "--format", "json"])
        .env("DATABASE_URL", db.url()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json().database.backend.as_deref(), Some("sqlite"));
}

#[test]
fn unsupported_scheme_is_exit_2() {
    let out = check("mysql://root:hunter2@127.0.0.1/test", &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("MySQL/MariaDB support is not built yet"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
}

#[test]
fn demo_writes_a_database_and_reports_its_defects() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(bin().current_dir(dir.path()).args(["demo", "demo.sqlite3"]));
    assert_eq!(
        out.code, 0,
        "the demo finding its planted defects is success: {}",
        out.stderr
    );
    insta::assert_snapshot!(out.stdout);
    assert!(
        out.stderr
            .contains("session-audit check --database-url demo.sqlite3"),
        "{}",
        out.stderr
    );

    // The demo database is an ordinary audit target: there it fails with exit 1.
    let audited = run(bin().current_dir(dir.path()).args([
        "check",
        "--database-url",
        "demo.sqlite3",
        "--format",
        "json",
    ]));
    assert_eq!(audited.code, 1);
    let report = audited.json();
    assert_eq!(report.check("coverage").metric("without_session"), 14);
    assert_eq!(
        report.check("coverage").metric("scheduled_without_session"),
        8
    );
    assert_eq!(
        report.check("duplicate-times").metric("duplicate_groups"),
        3
    );
    assert_eq!(
        report.check("type-distribution").metric("unknown_sessions"),
        2
    );
    assert_eq!(
        report
            .check("type-distribution")
            .metric("unexpected_sessions"),
        2
    );
}

#[test]
fn demo_never_overwrites_a_foreign_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let precious = dir.path().join("prod.sqlite3");
    std::fs::write(&precious, b"precious").expect("write");
    let out = run(bin().arg("demo").arg(&precious));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is not a session-audit demo database"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&precious).expect("read"), b"precious");
}

#[test]
fn unwritable_output_path_is_exit_2() {
    let db = SqliteDb::new();
    crate::support::Fixture::clean().create(&db);
    let out = check(&db.url(), &["--output", "/nonexistent-dir/report.txt"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("cannot write /nonexistent-dir/report.txt"),
        "{}",
        out.stderr
    );
}
