//! Cases every backend must pass, each on a database of its own.

use crate::support::{Backend, Fixture, TestDb, check};

pub fn clean_database_passes_with_exit_0(db: &dyn TestDb) {
    Fixture::clean().create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report.schema_version, 1);
    assert_eq!(report.verdict, "pass");
    assert_eq!(report.tool.name, "session-audit");
    let ids: Vec<&str> = report.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "migration-state",
            "coverage",
            "make-required-readiness",
            "status-vocabulary",
            "type-distribution",
            "duplicate-times",
            "dangling-session",
            "service-mismatch",
            "legacy-time-drift",
            "session-time-range",
            "capacity",
            "type-matches-service",
            "reminder-readiness",
            "rollback-safety",
            "orphan-sessions",
        ]
    );
    for check in &report.checks {
        assert_eq!(check.status, "pass", "{}: {}", check.id, check.summary);
        assert!(
            check.sample_ids.is_empty() && check.sample_total == 0,
            "{}",
            check.id
        );
    }
    assert_eq!(report.check("coverage").metric("total_bookings"), 3);
    assert_eq!(
        report.check("session-time-range").summary,
        "Every session with both times ends after it starts and matches its duration."
    );
    assert_eq!(
        report.check("type-distribution").metric("total_sessions"),
        3
    );
}

/// One finding of a kind reads as English: "1 booking references 1 session that does not
/// exist", not "1 booking reference 1 session that do not exist".
pub fn one_finding_reads_in_the_singular(db: &dyn TestDb) {
    Fixture::with_a_few_findings().create(db);
    let report = check(&db.url(), &["--format", "json"]).json();
    for (id, summary) in [
        (
            "migration-state",
            "The database is at Step 2-3: services 0017-0019 applied; verify and test; next: bookings.0013, NOT safe now: 1 booking has no session (1 of them scheduled).",
        ),
        (
            "make-required-readiness",
            "1 scheduled booking with a legacy start time and no session blocks bookings.0013.",
        ),
        (
            "duplicate-times",
            "1 group of workshop/course sessions shares a service and start time (2 sessions in all).",
        ),
        (
            "dangling-session",
            "1 booking references 1 session that does not exist in services_servicesession.",
        ),
        (
            "reminder-readiness",
            "1 of 4 active bookings has no start time, on its session or (without one) on the booking: its reminders can never fire.",
        ),
        (
            "rollback-safety",
            "Rolling back services.0019 deletes 1 individual/private session referenced by 1 booking; it keeps a legacy start time to fall back to.",
        ),
    ] {
        assert_eq!(report.check(id).summary, summary, "{id}");
    }
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
    assert_eq!(coverage.sample_kind.as_deref(), Some("booking"));
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
    // Nothing was verified: not a pass, unless the operator says the database is new.
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the bookings and the sessions tables are both empty"),
        "{}",
        run.stderr
    );
    assert_eq!(run.json().verdict, "error");
    let run = check(&db.url(), &["--format", "json", "--allow-empty"]);
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
    let fixture = Fixture::clean().sessions_table("service_sessions");
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
    // One line for the missing table, naming every check it stopped.
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("\"services_servicesession\" does not exist"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("error: checks type-distribution, duplicate-times,"),
        "{}",
        run.stderr
    );
}

pub fn renamed_sessions_table_works_with_the_flag(db: &dyn TestDb) {
    let fixture = Fixture::clean().sessions_table("service_sessions");
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
    Fixture::clean()
        .after("ALTER TABLE bookings_booking DROP COLUMN status")
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 2);
    let report = run.json();
    let coverage = report.check("coverage");
    assert_eq!(coverage.status, "error");
    assert!(
        coverage.summary.contains("no column \"status\""),
        "{}",
        coverage.summary
    );
    assert_eq!(
        report.check("duplicate-times").status,
        "pass",
        "checks that do not read it still run"
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

// ---- issue 3: every invariant the guide implies ----

/// Writes a config file into its own directory.
pub fn config_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("session-audit.toml");
    std::fs::write(&path, text).expect("write config");
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

pub fn migration_state_reports_the_step(db: &dyn TestDb) {
    Fixture::clean().create(db);
    let report = check(
        &db.url(),
        &["--format", "json", "--only", "migration-state"],
    )
    .json();
    let state = report.check("migration-state");
    assert_eq!(state.status, "pass");
    assert_eq!(state.metric("steps_applied"), 3);
    assert_eq!(state.metric("next_step_safe"), 1);
    assert_eq!(state.sample_kind, None);
    assert!(
        state.summary.contains("next: bookings.0013, safe now"),
        "{}",
        state.summary
    );
    assert_eq!(
        state.rows_of(&["app", "applied"]),
        [
            "\"services\" true",
            "\"services\" true",
            "\"services\" true",
            "\"bookings\" false"
        ]
    );
}

pub fn migration_state_blocks_the_next_step_and_fails_out_of_order(db: &dyn TestDb) {
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .migrations(&[
            (
                "services",
                "0017_add_session_type_and_visibility_to_servicesession",
            ),
            (
                "services",
                "0019_create_servicesessions_for_existing_bookings",
            ),
        ])
        .create(db);
    let run = check(
        &db.url(),
        &["--format", "json", "--only", "migration-state"],
    );
    assert_eq!(run.code, 1);
    let state = run.json();
    let state = state.check("migration-state");
    assert_eq!(state.status, "fail");
    assert!(
        state
            .summary
            .contains("services.0019 is applied but services.0018 is not"),
        "{}",
        state.summary
    );
}

pub fn migration_state_is_skipped_without_a_migrations_table(db: &dyn TestDb) {
    Fixture::clean().without_migrations_table().create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(
        run.code, 0,
        "a skipped check does not fail the audit: {}",
        run.stderr
    );
    let report = run.json();
    let state = report.check("migration-state");
    assert_eq!(state.status, "skipped");
    assert!(
        state.summary.contains("no table \"django_migrations\""),
        "{}",
        state.summary
    );
    assert_eq!(report.counts["skipped"], 1);
}

pub fn schema_without_legacy_times_skips_what_needs_them(db: &dyn TestDb) {
    Fixture::clean().without_legacy_times().create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    for id in ["legacy-time-drift", "make-required-readiness"] {
        let c = report.check(id);
        assert_eq!(c.status, "skipped", "{id}");
        assert!(
            c.summary.contains("has no column \"start_time\""),
            "{id}: {}",
            c.summary
        );
    }
    assert_eq!(report.check("coverage").status, "pass");
    // Every booking of an individual session would lose its schedule in a rollback now.
    let rollback = report.check("rollback-safety");
    assert_eq!(rollback.status, "warn");
    assert_eq!(rollback.metric("bookings_losing_schedule"), 1);
    assert_eq!(rollback.sample_ids, [1]);
}

pub fn unknown_statuses_count_as_scheduled_and_are_named(db: &dyn TestDb) {
    Fixture::clean()
        .booking(10, None, Some("cancelled"), Some("2025-02-01T10:00:00Z"))
        .booking(11, None, Some("draft"), Some("2025-02-01T11:00:00Z"))
        .booking(12, Some(1), Some("Confirmed"), Some("2025-01-15T14:00:00Z"))
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 1);
    let report = run.json();
    let gate = report.check("make-required-readiness");
    assert_eq!(gate.status, "fail");
    assert_eq!(gate.metric("blocking_bookings"), 1);
    assert_eq!(gate.sample_ids, [10]);
    assert!(gate.summary.contains("'cancelled' (1)"), "{}", gate.summary);
    let vocabulary = report.check("status-vocabulary");
    assert_eq!(vocabulary.status, "fail");
    assert_eq!(vocabulary.metric("unknown_status_bookings"), 2);
    assert_eq!(
        vocabulary.rows_of(&["status", "count", "closest_known"]),
        [
            "\"Confirmed\" 1 \"confirmed\"",
            "\"cancelled\" 1 \"canceled\""
        ]
    );
    assert_eq!(vocabulary.sample_ids, [10, 12]);
}

pub fn dangling_sessions_are_found(db: &dyn TestDb) {
    Fixture::clean()
        .booking(
            10,
            Some(999),
            Some("confirmed"),
            Some("2025-02-01T10:00:00Z"),
        )
        .booking(
            11,
            Some(999),
            Some("confirmed"),
            Some("2025-02-01T10:00:00Z"),
        )
        .create(db);
    let report = check(&db.url(), &["--format", "json"]).json();
    let dangling = report.check("dangling-session");
    assert_eq!(dangling.status, "fail");
    assert_eq!(dangling.metric("dangling_bookings"), 2);
    assert_eq!(dangling.metric("missing_sessions"), 1);
    assert_eq!(
        dangling.rows_of(&["service_session_id", "bookings"]),
        ["999 2"]
    );
    assert_eq!(dangling.sample_ids, [10, 11]);
    assert_eq!(
        report.check("reminder-readiness").sample_ids,
        [10, 11],
        "no session, no start time"
    );
}

pub fn service_mismatches_are_found(db: &dyn TestDb) {
    Fixture::clean().booking_for_service(10, 2, 7).create(db);
    let report = check(&db.url(), &["--format", "json"]).json();
    let mismatch = report.check("service-mismatch");
    assert_eq!(mismatch.status, "fail");
    assert_eq!(
        mismatch.rows_of(&["booking_service_id", "session_service_id", "count"]),
        ["7 2 1"]
    );
    assert_eq!(mismatch.sample_ids, [10]);
}

pub fn legacy_time_drift_is_found_and_tolerance_is_a_setting(db: &dyn TestDb) {
    Fixture::clean()
        .session(
            10,
            1,
            Some("individual"),
            Some("private"),
            Some("2025-03-01T09:00:00Z"),
        )
        .booking(
            10,
            Some(10),
            Some("confirmed"),
            Some("2025-03-01T09:00:30Z"),
        )
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 1);
    let report = run.json();
    let drift = report.check("legacy-time-drift");
    assert_eq!(drift.status, "fail");
    assert_eq!(
        (drift.metric("start_drift"), drift.metric("end_drift")),
        (1, 1)
    );
    assert_eq!(
        drift.rows_of(&["booking_id", "legacy_start", "session_start"]),
        ["10 \"2025-03-01T09:00:30Z\" \"2025-03-01T09:00:00Z\""]
    );
    let (_dir, config) = config_file("[checks.legacy-time-drift]\ntolerance_seconds = 60\n");
    let tolerant = check(&db.url(), &["--format", "json", "--config", &config]);
    assert_eq!(tolerant.code, 0, "{}", tolerant.stdout);
    assert_eq!(
        tolerant
            .json()
            .check("legacy-time-drift")
            .metric("drifted_bookings"),
        0
    );
}

pub fn impossible_session_times_are_found(db: &dyn TestDb) {
    Fixture::clean()
        .after("UPDATE services_servicesession SET end_time = start_time WHERE id = 2")
        .after("UPDATE services_servicesession SET duration = 45 WHERE id = 3")
        .create(db);
    let report = check(&db.url(), &["--format", "json"]).json();
    let range = report.check("session-time-range");
    assert_eq!(range.status, "fail");
    assert_eq!(
        range.rows_of(&["problem", "count"]),
        ["\"end_not_after_start\" 1", "\"duration_mismatch\" 1"]
    );
    assert_eq!(range.sample_ids, [2, 3]);
}

pub fn capacity_problems_are_found(db: &dyn TestDb) {
    Fixture::clean()
        // A second active booking on the 1-to-1 session, a canceled one that does not count.
        .booking(10, Some(1), Some("confirmed"), Some("2025-01-15T14:00:00Z"))
        .booking(11, Some(1), Some("canceled"), Some("2025-01-15T14:00:00Z"))
        .after("UPDATE services_servicesession SET current_participants = 5 WHERE id = 2")
        .after("UPDATE services_servicesession SET max_participants = 0 WHERE id = 3")
        .create(db);
    let report = check(&db.url(), &["--format", "json"]).json();
    let capacity = report.check("capacity");
    assert_eq!(capacity.status, "fail");
    assert_eq!(capacity.metric("current_participants_mismatch"), 1);
    assert_eq!(
        capacity.metric("over_capacity"),
        2,
        "session 1 holds 2 of 1, session 3 holds 1 of 0"
    );
    assert_eq!(capacity.metric("individual_overbooked"), 1);
    assert_eq!(capacity.sample_ids, [1, 2, 3]);
}

pub fn session_types_must_match_their_service(db: &dyn TestDb) {
    Fixture::clean()
        .session(
            10,
            2,
            Some("individual"),
            Some("private"),
            Some("2025-04-01T10:00:00Z"),
        )
        .booking(
            10,
            Some(10),
            Some("confirmed"),
            Some("2025-04-01T10:00:00Z"),
        )
        .create(db);
    let report = check(&db.url(), &["--format", "json"]).json();
    let types = report.check("type-matches-service");
    assert_eq!(types.status, "fail");
    assert_eq!(
        types.rows_of(&[
            "service_type_code",
            "session_type",
            "expected_type",
            "count"
        ]),
        ["\"workshop\" \"individual\" \"workshop\" 1"]
    );
    assert_eq!(types.sample_ids, [10]);
}

pub fn reminders_need_an_effective_start(db: &dyn TestDb) {
    Fixture::clean()
        .session(10, 2, Some("workshop"), Some("public"), None)
        .booking(
            10,
            Some(10),
            Some("confirmed"),
            Some("2025-04-01T10:00:00Z"),
        )
        .booking(11, Some(10), Some("canceled"), None)
        .booking(
            12,
            None,
            Some("pending_payment"),
            Some("2999-01-01T10:00:00Z"),
        )
        .create(db);
    let report = check(&db.url(), &["--format", "json"]).json();
    let reminders = report.check("reminder-readiness");
    assert_eq!(reminders.status, "fail");
    // The session's NULL start wins over the booking's legacy time; canceled ones do not count.
    assert_eq!(reminders.sample_ids, [10]);
    assert_eq!(
        reminders.metric("upcoming_bookings"),
        1,
        "booking 12 falls back to its legacy time"
    );
    assert_eq!(
        reminders.rows_of(&["has_session", "status", "count"]),
        ["true \"confirmed\" 1"]
    );
}

pub fn rollback_loss_warns_and_severity_is_a_setting(db: &dyn TestDb) {
    Fixture::clean()
        .session(
            10,
            1,
            Some("individual"),
            Some("private"),
            Some("2025-04-01T10:00:00Z"),
        )
        .session(
            11,
            1,
            Some("individual"),
            Some("private"),
            Some("2025-04-02T10:00:00Z"),
        )
        .booking(10, Some(10), Some("confirmed"), None)
        .booking(11, Some(10), Some("canceled"), None)
        .booking(12, Some(11), Some("confirmed"), None)
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 0, "a warning passes: {}", run.stderr);
    let report = run.json();
    let rollback = report.check("rollback-safety");
    assert_eq!(
        (rollback.status.as_str(), rollback.severity.as_str()),
        ("warn", "warning")
    );
    // Three bookings, two of them on one session: sessions are counted once each.
    assert_eq!(rollback.metric("bookings_losing_schedule"), 3);
    assert_eq!(rollback.metric("sessions_losing_schedule"), 2);
    assert_eq!(rollback.sample_ids, [10, 11]);
    let (_dir, config) = config_file("[checks.rollback-safety]\nseverity = \"error\"\n");
    let strict = check(&db.url(), &["--format", "json", "--config", &config]);
    assert_eq!(strict.code, 1);
    assert_eq!(strict.json().check("rollback-safety").status, "fail");
}

pub fn orphans_are_information_unless_raised(db: &dyn TestDb) {
    Fixture::clean()
        .session(
            10,
            1,
            Some("individual"),
            Some("private"),
            Some("2025-04-01T10:00:00Z"),
        )
        .create(db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 0);
    let report = run.json();
    let orphans = report.check("orphan-sessions");
    assert_eq!(
        (orphans.status.as_str(), orphans.severity.as_str()),
        ("pass", "info")
    );
    assert_eq!(orphans.metric("orphan_sessions"), 1);
    assert_eq!(orphans.sample_ids, [10]);
    let (_dir, config) = config_file("[checks.orphan-sessions]\nseverity = \"error\"\n");
    assert_eq!(check(&db.url(), &["--config", &config]).code, 1);
}

pub fn waivers_excuse_expire_and_go_stale(db: &dyn TestDb) {
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .booking(11, None, Some("confirmed"), Some("2025-02-01T11:00:00Z"))
        .create(db);
    let waivers = |expiry_of_11: &str| {
        format!(
            "[[entry]]\ncheck = \"coverage\"\nids = [10]\nreason = \"imported\"\nexpires = \"2999-12-31\"\n\
             [[entry]]\ncheck = \"coverage\"\nids = [11]\nreason = \"old ticket\"\nexpires = \"{expiry_of_11}\"\n\
             [[entry]]\ncheck = \"coverage\"\nids = [12345]\nreason = \"fixed long ago\"\nexpires = \"2999-12-31\"\n"
        )
    };
    let (dir, _) = config_file("");
    let path = dir.path().join("waivers.toml");
    std::fs::write(&path, waivers("2999-12-31")).expect("write waivers");
    let path = path.to_string_lossy().into_owned();
    let run = check(
        &db.url(),
        &[
            "--format",
            "json",
            "--waivers",
            &path,
            "--skip",
            "make-required-readiness,reminder-readiness",
        ],
    );
    assert_eq!(run.code, 0, "every offending row is waived: {}", run.stdout);
    let report = run.json();
    let coverage = report.check("coverage");
    assert_eq!(coverage.status, "pass");
    assert_eq!(coverage.waived_ids, [10, 11]);
    assert!(coverage.sample_ids.is_empty());
    assert_eq!(
        coverage.metric("without_session"),
        2,
        "metrics still count everything"
    );
    let states: Vec<&str> = coverage.waivers.iter().map(|w| w.state.as_str()).collect();
    assert_eq!(states, ["active", "active", "stale"]);
    assert!(
        coverage.summary.contains("2 waived") && coverage.summary.contains("1 stale waiver"),
        "{}",
        coverage.summary
    );

    std::fs::write(&path, waivers("2000-01-01")).expect("write waivers");
    let run = check(&db.url(), &["--format", "json", "--waivers", &path]);
    assert_eq!(run.code, 1, "an expired waiver fails the check");
    let report = run.json();
    let coverage = report.check("coverage");
    assert_eq!(coverage.status, "fail");
    assert_eq!(coverage.waived_ids, [10]);
    assert_eq!(coverage.sample_ids, [11]);
    assert_eq!(coverage.waivers[1].state, "expired");
    assert!(
        coverage
            .summary
            .contains("the waiver for id 11 expired on 2000-01-01"),
        "{}",
        coverage.summary
    );
}

pub fn max_offending_turns_a_small_failure_into_a_warning(db: &dyn TestDb) {
    Fixture::clean()
        .booking(10, None, Some("draft"), None)
        .booking(11, None, Some("draft"), None)
        .create(db);
    let (_dir, config) = config_file("[checks.coverage]\nmax_offending = 2\n");
    let run = check(&db.url(), &["--format", "json", "--config", &config]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let coverage = run.json();
    let coverage = coverage.check("coverage");
    assert_eq!(coverage.status, "warn");
    assert!(
        coverage.summary.contains("within the allowance of 2"),
        "{}",
        coverage.summary
    );
}

pub fn only_and_skip_select_checks(db: &dyn TestDb) {
    Fixture::clean().create(db);
    let report = check(
        &db.url(),
        &["--format", "json", "--only", "coverage,duplicate-times"],
    )
    .json();
    let ids: Vec<&str> = report.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["coverage", "duplicate-times"]);
    let report = check(
        &db.url(),
        &[
            "--format",
            "json",
            "--only",
            "coverage,duplicate-times",
            "--skip",
            "coverage",
        ],
    )
    .json();
    assert_eq!(report.checks.len(), 1);
    let none = check(&db.url(), &["--only", "coverage", "--skip", "coverage"]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("no check is selected"),
        "{}",
        none.stderr
    );
}

/// `fix-sql` writes a script that, applied, makes coverage and make-required-readiness pass
/// and changes nothing else: one booking is linked to the one workshop at its service and
/// time, the other gets an individual/private session of its own; every other check reports
/// exactly what it reported before (the counts of sessions aside, which grow by the one made).
pub fn fix_sql_repairs_coverage_and_readiness_and_nothing_else(db: &dyn TestDb) {
    let start = match db.backend() {
        Backend::Postgres => "'2025-03-01 10:00:00+00'",
        _ => "'2025-03-01 10:00:00'",
    };
    Fixture::clean()
        .session(4, 2, Some("workshop"), Some("public"), Some("2025-03-01T10:00:00Z"))
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .after(&format!(
            "INSERT INTO bookings_booking (id, service_id, service_session_id, status, start_time, end_time) VALUES (11, 2, NULL, 'confirmed', {start}, NULL)"
        ))
        .create(db);
    if db.backend() == Backend::Postgres {
        // The fixture gives explicit ids; Django's inserts keep the sequence in step.
        db.exec("SELECT setval(pg_get_serial_sequence('services_servicesession', 'id'), (SELECT max(id) FROM services_servicesession))");
    }
    let before = check(&db.url(), &["--format", "json"]);
    assert_eq!(before.code, 1, "{}", before.stderr);
    let before = before.json();
    assert_eq!(before.check("coverage").status, "fail");
    assert_eq!(before.check("make-required-readiness").status, "fail");

    let fix =
        crate::support::run(crate::support::bin().args(["fix-sql", "--database-url", &db.url()]));
    assert_eq!(fix.code, 0, "{}", fix.stderr);
    let script = fix.stdout;
    assert!(script.contains("--   1 bookings linked"), "{script}");
    assert!(
        script.contains("--   1 individual/private sessions created"),
        "{script}"
    );
    assert!(
        script.contains("-- booking 11: link to session 4"),
        "{script}"
    );
    assert!(
        script.contains("-- booking 10: new individual/private session"),
        "{script}"
    );
    // MySQL commits only through the guard's prepared statement (see fix_script.mysql.sql).
    let last = match db.backend() {
        Backend::Mysql => "DEALLOCATE PREPARE session_audit_finish;",
        _ => "COMMIT;",
    };
    assert!(script.trim_end().ends_with(last), "{script}");
    let after_dry_run = check(&db.url(), &["--format", "json"]).json();
    assert_eq!(
        after_dry_run.check("coverage").status,
        "fail",
        "fix-sql changed nothing itself"
    );

    db.exec(&script);
    let after = check(&db.url(), &["--format", "json"]);
    let after = after.json();
    assert_eq!(
        after.check("coverage").status,
        "pass",
        "{}",
        after.check("coverage").summary
    );
    assert_eq!(after.check("make-required-readiness").status, "pass");
    // Checks whose counts include the new session; their verdicts must not move.
    let counting = [
        "migration-state",
        "type-distribution",
        "rollback-safety",
        "type-matches-service",
    ];
    let changed = ["coverage", "make-required-readiness"];
    for (b, a) in before.checks.iter().zip(&after.checks) {
        if changed.contains(&b.id.as_str()) {
            continue;
        }
        if counting.contains(&b.id.as_str()) {
            assert_eq!((&b.id, &b.status), (&a.id, &a.status), "{}", a.summary);
            continue;
        }
        assert_eq!(
            (&b.id, &b.status, &b.metrics),
            (&a.id, &a.status, &a.metrics),
            "{} changed: {} -> {}",
            b.id,
            b.summary,
            a.summary
        );
    }
    let metric =
        |r: &crate::support::JsonReport, check: &str, name: &str| r.check(check).metrics[name];
    assert_eq!(
        metric(&after, "type-distribution", "total_sessions"),
        metric(&before, "type-distribution", "total_sessions") + 1
    );
    assert_eq!(
        metric(&after, "rollback-safety", "individual_sessions"),
        metric(&before, "rollback-safety", "individual_sessions") + 1
    );
    assert_eq!(
        metric(&after, "capacity", "sessions_with_problems"),
        0,
        "the workshop counts its new booking"
    );
}

/// Every check answers the same alone as in the whole audit. The shared passes are read in
/// different ways depending on what else runs (issue 17): in a full audit the bookings profile
/// comes from the booking join; coverage, make-required-readiness and migration-state alone use
/// the lean profile; status-vocabulary alone the full one; a join check alone runs the join
/// without the profile. On a database with a defect for most checks, each way must agree.
pub fn every_check_answers_alone_as_in_the_whole_audit(db: &dyn TestDb) {
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .booking(11, None, Some("draft"), Some("2025-02-01T11:00:00Z"))
        .booking(12, None, None, None)
        .booking(13, None, Some("cancelled"), Some("2025-02-01T13:00:00Z"))
        .booking(14, Some(999), Some("confirmed"), None)
        .booking_for_service(15, 2, 7)
        .session(
            10,
            1,
            Some("individual"),
            Some("private"),
            Some("2025-03-01T09:00:00Z"),
        )
        .booking(
            16,
            Some(10),
            Some("Confirmed"),
            Some("2025-03-01T09:00:30Z"),
        )
        .after("UPDATE services_servicesession SET current_participants = 5 WHERE id = 2")
        .create(db);
    let failing = crate::support::report::assert_each_check_alone_agrees(&db.url());
    assert!(failing >= 6, "a defect for most checks");
}
