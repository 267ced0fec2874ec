//! Cases every backend must pass, each on a database of its own.

use crate::support::{Fixture, TestDb, check};

pub fn clean_database_passes_with_exit_0(db: &dyn TestDb) {
    Fixture::clean().create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report.schema_version, 1);
    assert_eq!(report.verdict, "pass");
    assert_eq!(report.tool.name, "session-audit");
    let ids: Vec<&str> = report.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["coverage", "type-distribution", "duplicate-times"]);
    assert!(
        report.checks.iter().all(|c| c.status == "pass"),
        "{report:#?}"
    );
    assert_eq!(report.check("coverage").metric("total_bookings"), 3);
    assert_eq!(
        report.check("type-distribution").metric("total_sessions"),
        3
    );
}

pub fn coverage_counts_breakdown_and_sample(db: &dyn TestDb) {
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .booking(
            11,
            None,
            Some("pending_payment"),
            Some("2025-02-01T11:00:00Z"),
        )
        .booking(12, None, Some("draft"), Some("2025-02-01T12:00:00Z"))
        .booking(13, None, Some("canceled"), Some("2025-02-01T13:00:00Z"))
        .booking(14, None, Some("confirmed"), None)
        .booking(15, None, None, Some("2025-02-01T15:00:00Z"))
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(
        run.code, 1,
        "a booking without a session fails the audit: {}",
        run.stderr
    );
    let report = run.json();
    assert_eq!(report.verdict, "fail");
    let coverage = report.check("coverage");
    assert_eq!(coverage.status, "fail");
    assert_eq!(coverage.metric("total_bookings"), 9);
    assert_eq!(coverage.metric("with_session"), 3);
    assert_eq!(coverage.metric("without_session"), 6);
    // confirmed, pending_payment and the NULL status count; draft, canceled and no start do not.
    assert_eq!(coverage.metric("scheduled_without_session"), 3);
    assert_eq!(
        coverage.rows_of(&["status", "start_time_null", "count"]),
        [
            "null false 1",
            "\"canceled\" false 1",
            "\"confirmed\" false 1",
            "\"confirmed\" true 1",
            "\"draft\" false 1",
            "\"pending_payment\" false 1"
        ]
    );
    assert_eq!(coverage.sample_kind, "booking");
    assert_eq!(coverage.sample_ids, [10, 11, 12, 13, 14, 15]);
    assert_eq!(coverage.sample_total, 6);
    assert_eq!(coverage.help, "docs/checks/coverage.md");
}

pub fn sample_size_is_a_setting(db: &dyn TestDb) {
    let mut fixture = Fixture::clean();
    for id in 100..125 {
        fixture = fixture.booking(id, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"));
    }
    fixture.create(db);
    let default = check(&db.url(), &["--format", "json"]).json();
    assert_eq!(
        default.check("coverage").sample_ids,
        (100..120).collect::<Vec<_>>(),
        "20 ids by default"
    );
    assert_eq!(default.check("coverage").sample_total, 25);
    let two = check(&db.url(), &["--format", "json", "--sample", "2"]).json();
    assert_eq!(two.check("coverage").sample_ids, [100, 101]);
    assert_eq!(
        two.check("coverage").metric("without_session"),
        25,
        "metrics count everything"
    );
    let all = check(&db.url(), &["--format", "json", "--sample", "all"]).json();
    assert_eq!(
        all.check("coverage").sample_ids,
        (100..125).collect::<Vec<_>>()
    );
}

pub fn null_start_times_are_not_duplicates(db: &dyn TestDb) {
    Fixture::clean()
        .session(10, 2, Some("workshop"), Some("public"), None)
        .session(11, 2, Some("workshop"), Some("public"), None)
        .session(12, 3, Some("course_session"), Some("public"), None)
        .session(13, 3, Some("course_session"), Some("public"), None)
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let duplicates = run.json();
    let duplicates = duplicates.check("duplicate-times");
    assert_eq!(duplicates.status, "pass");
    assert_eq!(duplicates.metric("duplicate_groups"), 0);
}

pub fn individual_sessions_may_share_times(db: &dyn TestDb) {
    Fixture::clean()
        .session(
            10,
            1,
            Some("individual"),
            Some("private"),
            Some("2025-01-15T14:00:00Z"),
        )
        .session(
            11,
            1,
            Some("individual"),
            Some("private"),
            Some("2025-01-15T14:00:00Z"),
        )
        .create(db);
    let report = check(&db.url(), &["--format", "json"]).json();
    assert_eq!(report.check("duplicate-times").status, "pass");
    assert_eq!(report.verdict, "pass");
}

pub fn duplicate_groups_are_exact(db: &dyn TestDb) {
    Fixture::clean()
        // service 2: a workshop pair at the clean fixture's time.
        .session(
            10,
            2,
            Some("workshop"),
            Some("public"),
            Some("2025-01-16T17:00:00Z"),
        )
        // service 3: a course triple.
        .session(
            20,
            3,
            Some("course_session"),
            Some("public"),
            Some("2025-03-01T09:00:00Z"),
        )
        .session(
            21,
            3,
            Some("course_session"),
            Some("public"),
            Some("2025-03-01T09:00:00Z"),
        )
        .session(
            22,
            3,
            Some("course_session"),
            Some("public"),
            Some("2025-03-01T09:00:00Z"),
        )
        // The same time on another service, and a workshop next to a course: not duplicates.
        .session(
            30,
            4,
            Some("workshop"),
            Some("public"),
            Some("2025-03-01T09:00:00Z"),
        )
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 1);
    let report = run.json();
    let duplicates = report.check("duplicate-times");
    assert_eq!(duplicates.status, "fail");
    assert_eq!(duplicates.metric("duplicate_groups"), 2);
    assert_eq!(duplicates.metric("duplicate_sessions"), 5);
    assert_eq!(
        duplicates.rows_of(&["service_id", "start_time", "count", "session_ids"]),
        [
            "2 \"2025-01-16T17:00:00Z\" 2 [2,10]",
            "3 \"2025-03-01T09:00:00Z\" 3 [20,21,22]"
        ]
    );
    assert_eq!(duplicates.sample_ids, [2, 10, 20, 21, 22]);
}

pub fn unknown_and_empty_values_fail(db: &dyn TestDb) {
    Fixture::clean()
        .session(
            10,
            5,
            Some("Workshop"),
            Some("public"),
            Some("2025-04-01T10:00:00Z"),
        )
        .session(
            11,
            5,
            Some("workshop "),
            Some("public"),
            Some("2025-04-02T10:00:00Z"),
        )
        .session(
            12,
            5,
            Some("workshop"),
            Some(""),
            Some("2025-04-03T10:00:00Z"),
        )
        .session(13, 5, None, Some("public"), Some("2025-04-04T10:00:00Z"))
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 1);
    let report = run.json();
    let types = report.check("type-distribution");
    assert_eq!(types.status, "fail");
    assert_eq!(types.metric("unknown_sessions"), 4);
    assert_eq!(types.metric("total_sessions"), 7);
    let unknown: Vec<String> = types
        .rows_of(&["session_type", "visibility", "count", "verdict"])
        .into_iter()
        .filter(|r| r.ends_with("\"unknown\""))
        .collect();
    assert_eq!(
        unknown,
        [
            "null \"public\" 1 \"unknown\"",
            "\"Workshop\" \"public\" 1 \"unknown\"",
            "\"workshop\" \"\" 1 \"unknown\"",
            "\"workshop \" \"public\" 1 \"unknown\"",
        ]
    );
    assert_eq!(types.sample_ids, [10, 11, 12, 13]);
}

pub fn unexpected_pairs_warn_but_pass(db: &dyn TestDb) {
    Fixture::clean()
        .session(
            10,
            2,
            Some("workshop"),
            Some("private"),
            Some("2025-04-01T10:00:00Z"),
        )
        .session(
            11,
            1,
            Some("individual"),
            Some("unlisted"),
            Some("2025-04-01T10:00:00Z"),
        )
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 0, "warnings are allowed: {}", run.stdout);
    let report = run.json();
    assert_eq!(report.verdict, "pass");
    let types = report.check("type-distribution");
    assert_eq!(types.status, "warn");
    assert_eq!(types.metric("unexpected_sessions"), 2);
    assert_eq!(report.counts["warn"], 1);
}

pub fn missing_expected_pairs_are_information(db: &dyn TestDb) {
    Fixture::new()
        .session(
            1,
            1,
            Some("individual"),
            Some("private"),
            Some("2025-01-15T14:00:00Z"),
        )
        .booking(1, Some(1), Some("confirmed"), Some("2025-01-15T14:00:00Z"))
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 0);
    let report = run.json();
    let types = report.check("type-distribution");
    assert_eq!(types.status, "pass");
    assert_eq!(types.metric("missing_pairs"), 2);
    assert_eq!(
        types.rows_of(&["session_type", "visibility", "count", "earliest", "verdict"]),
        [
            "\"individual\" \"private\" 1 \"2025-01-15T14:00:00Z\" \"expected\"",
            "\"workshop\" \"public\" 0 null \"missing\"",
            "\"course_session\" \"public\" 0 null \"missing\"",
        ]
    );
}

pub fn empty_tables_warn(db: &dyn TestDb) {
    Fixture::new().create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 0);
    let report = run.json();
    assert_eq!(report.check("coverage").status, "warn");
    assert!(
        report.check("coverage").summary.contains("is empty"),
        "{}",
        report.check("coverage").summary
    );
    assert_eq!(report.check("type-distribution").status, "warn");
    assert_eq!(report.check("duplicate-times").status, "pass");
}

pub fn missing_table_names_look_alikes(db: &dyn TestDb) {
    let fixture = Fixture {
        sessions_table: Some("service_sessions"),
        ..Fixture::clean()
    };
    fixture.create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 2, "a missing table cannot be evaluated");
    let report = run.json();
    assert_eq!(report.verdict, "error");
    assert_eq!(
        report.check("coverage").status,
        "pass",
        "the other checks still run"
    );
    let types = report.check("type-distribution");
    assert_eq!(types.status, "error");
    assert!(
        types
            .summary
            .contains("\"services_servicesession\" does not exist"),
        "{}",
        types.summary
    );
    assert!(
        types.summary.contains("service_sessions"),
        "{}",
        types.summary
    );
    assert!(
        types.summary.contains("--sessions-table"),
        "{}",
        types.summary
    );
    assert!(
        run.stderr.contains(
            "error: check type-distribution: table \"services_servicesession\" does not exist"
        ),
        "{}",
        run.stderr
    );
}

pub fn renamed_sessions_table_works_with_the_flag(db: &dyn TestDb) {
    let fixture = Fixture {
        sessions_table: Some("service_sessions"),
        ..Fixture::clean()
    };
    fixture.create(db);
    let run = check(
        &db.url(),
        &["--format", "json", "--sessions-table", "service_sessions"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json()
            .check("type-distribution")
            .metric("total_sessions"),
        3
    );
}

pub fn missing_column_is_an_error(db: &dyn TestDb) {
    let fixture = Fixture {
        without_legacy_times: true,
        ..Fixture::clean()
    };
    fixture.create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 2);
    let report = run.json();
    let coverage = report.check("coverage");
    assert_eq!(coverage.status, "error");
    assert!(
        coverage.summary.contains("no column \"start_time\""),
        "{}",
        coverage.summary
    );
}

pub fn csv_parses_back_one_row_per_finding(db: &dyn TestDb) {
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .session(
            10,
            2,
            Some("workshop"),
            Some("public"),
            Some("2025-01-16T17:00:00Z"),
        )
        .create(db);
    let run = check(&db.url(), &["--format", "csv"]);
    assert_eq!(run.code, 1);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let headers = reader.headers().expect("a header row").clone();
    assert_eq!(&headers[0], "check");
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV");
    let count_of = |id: &str| records.iter().filter(|r| &r[0] == id).count();
    assert_eq!(count_of("coverage"), 1);
    assert_eq!(count_of("type-distribution"), 3);
    assert_eq!(count_of("duplicate-times"), 1);
    let column = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let dup = records
        .iter()
        .find(|r| &r[0] == "duplicate-times")
        .expect("a duplicate row");
    assert_eq!(&dup[column("session_ids")], "2 10");
    assert_eq!(&dup[column("start_time")], "2025-01-16T17:00:00Z");
}

pub fn table_format_names_every_check(db: &dyn TestDb) {
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(db);
    let run = check(&db.url(), &[]);
    assert_eq!(run.code, 1);
    for needle in [
        "coverage",
        "type-distribution",
        "duplicate-times",
        "FAIL",
        "booking ids: 10",
        "verdict: FAIL",
    ] {
        assert!(
            run.stdout.contains(needle),
            "missing {needle:?} in:\n{}",
            run.stdout
        );
    }
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
}

pub fn output_file_is_written(db: &dyn TestDb) {
    Fixture::clean().create(db);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.json");
    let run = check(
        &db.url(),
        &[
            "--format",
            "json",
            "--output",
            path.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "the report goes to the file, not stdout"
    );
    let report: crate::support::JsonReport =
        serde_json::from_slice(&std::fs::read(&path).expect("report written")).expect("JSON");
    assert_eq!(report.verdict, "pass");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}
