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
        "error: no database given: pass --database-url URL, --database-url-file PATH or set DATABASE_URL (postgres://…, mysql://…, sqlite:///PATH or a file path)"
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
fn unsupported_scheme_is_exit_2_and_hides_the_password() {
    let out = check("oracle://scott:hunter2@127.0.0.1/orcl", &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown scheme `oracle`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("oracle://scott:***@127.0.0.1/orcl"),
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
    // The defects planted for the checks of the config issue, each found.
    for (id, metric, value) in [
        ("status-vocabulary", "unknown_status_bookings", 4),
        ("dangling-session", "dangling_bookings", 2),
        ("service-mismatch", "mismatched_bookings", 1),
        ("legacy-time-drift", "start_drift", 3),
        ("session-time-range", "bad_sessions", 2),
        ("capacity", "over_capacity", 1),
        ("rollback-safety", "bookings_losing_schedule", 4),
        ("orphan-sessions", "orphan_sessions", 3),
        ("migration-state", "steps_applied", 3),
    ] {
        assert_eq!(report.check(id).metric(metric), value, "{id} {metric}");
    }
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

#[test]
fn every_kind_of_config_mistake_is_exit_2_with_one_clear_line() {
    let db = SqliteDb::new();
    crate::support::Fixture::clean().create(&db);
    for (config, expected) in [
        ("[tables]\nbooking = \"x\"\n", "unknown field `booking`"),
        (
            "[checks.coverage]\nseverity = \"fatal\"\n",
            "unknown variant `fatal`",
        ),
        (
            "[checks.coverag]\nenabled = false\n",
            "unknown check id `coverag`",
        ),
        (
            "[statuses]\nnot_scheduled = [\"cancelled\"]\n",
            "`cancelled`, which is not in statuses.known",
        ),
        ("[sessions]\ntypes = []\n", "sessions.types is empty"),
        (
            "[checks.coverage]\ntolerance_seconds = 3\n",
            "applies only to legacy-time-drift",
        ),
        ("sample = \"many\"\n", "use a whole number or \"all\""),
        ("this is not toml", "is not valid"),
        (
            "[[waivers.entry]]\ncheck = \"coverage\"\nids = [1]\nreason = \"\"\nexpires = \"2030-01-01\"\n",
            "has no reason",
        ),
        (
            "[waivers]\nfile = \"missing-waivers.toml\"\n",
            "missing-waivers.toml",
        ),
        // A URL pasted into the wrong key: where and what, never the password.
        (
            "[checks.coverage]\nmax_offending = \"postgres://audit:hunter2@db/app\"\n",
            "line 2, column 17: invalid type: string \"…\", expected u64",
        ),
        (
            "[checks.coverage]\nseverity = \"postgres://audit:hunter2@db/app\"\n",
            "line 2, column 12: unknown variant `…`",
        ),
        // ... or written as a key, which TOML takes quoted.
        (
            "\"postgres://audit:hunter2@db/app\" = 1\n",
            "line 1, column 1: unknown field `…`",
        ),
        (
            "[checks.\"postgres://audit:hunter2@db/app\"]\nenabled = true\n",
            "[checks.…]: unknown check id `…`",
        ),
    ] {
        let (_dir, path) = crate::cases::config_file(config);
        let out = check(&db.url(), &["--config", &path]);
        assert_eq!(out.code, 2, "{config}");
        assert!(out.stderr.contains(expected), "{config}: {}", out.stderr);
        assert!(!out.stderr.contains("hunter2"), "{config}: {}", out.stderr);
        assert_eq!(
            out.stderr.trim().lines().count(),
            1,
            "one line: {}",
            out.stderr
        );
        assert!(
            out.stdout.is_empty(),
            "no report on a broken config: {}",
            out.stdout
        );
    }
    let out = check(&db.url(), &["--config", "/nonexistent/session-audit.toml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("cannot read /nonexistent/session-audit.toml"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_config_in_the_working_directory_is_used() {
    let db = SqliteDb::new();
    crate::support::Fixture::clean()
        .sessions_table("service_sessions")
        .create(&db);
    std::fs::write(
        db.dir.path().join("session-audit.toml"),
        "[tables]\nsessions = \"service_sessions\"\n",
    )
    .expect("write");
    let out = run(bin().current_dir(db.dir.path()).args([
        "check",
        "--database-url",
        "db.sqlite3",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.json()
            .check("type-distribution")
            .metric("total_sessions"),
        3
    );
}

#[test]
fn init_writes_a_config_that_check_accepts_and_never_overwrites() {
    let db = SqliteDb::new();
    crate::support::Fixture::clean().create(&db);
    let dir = db.dir.path();
    let out = run(bin().current_dir(dir).arg("init"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written =
        std::fs::read_to_string(dir.join("session-audit.toml")).expect("init wrote the file");
    assert!(written.contains("[checks.orphan-sessions]"));
    let out = run(bin()
        .current_dir(dir)
        .args(["check", "--database-url", "db.sqlite3"]));
    assert_eq!(
        out.code, 0,
        "the default config passes a clean database: {}",
        out.stderr
    );

    std::fs::write(dir.join("session-audit.toml"), "# mine\n").expect("write");
    let out = run(bin().current_dir(dir).arg("init"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("exists; pass --force"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("session-audit.toml")).expect("read"),
        "# mine\n"
    );
    let printed = run(bin().args(["init", "-"]));
    assert_eq!(printed.stdout, written);
}

#[test]
fn explain_check_prints_the_checks_page() {
    let out = run(bin().args(["explain-check", "rollback-safety"]));
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        include_str!("../docs/checks/rollback-safety.md")
    );
    let out = run(bin().args(["explain-check", "nope"]));
    assert_eq!(out.code, 2);
}

#[test]
fn bad_url_parameters_are_exit_2_with_the_way_out() {
    for (url, expected) in [
        (
            "postgres://u:Sentinel9@127.0.0.1/db?sslmode=bogus",
            "sslmode=bogus is not one of disable, allow, prefer, require, verify-ca, verify-full",
        ),
        (
            "postgres://u:Sentinel9@127.0.0.1/db?connect_timeout=soon",
            "check the URL's parameters",
        ),
        (
            "mysql://u:Sentinel9@127.0.0.1:1/test?foo=bar",
            "Unknown connection URL parameter `foo'; remove it or fix its spelling",
        ),
    ] {
        let out = check(url, &[]);
        assert_eq!(out.code, 2, "{url}");
        assert!(out.stderr.contains(expected), "{url}: {}", out.stderr);
        assert!(!out.stderr.contains("Sentinel9"), "{}", out.stderr);
        // One error line; the password on the command line adds a warning line.
        let lines: Vec<&str> = out.stderr.trim().lines().collect();
        assert_eq!(
            lines.iter().filter(|l| !l.starts_with("warning:")).count(),
            1,
            "{}",
            out.stderr
        );
        assert!(lines[0].starts_with("warning: the password in --database-url"));
    }
}

/// A host name that does not resolve: exit 2, one line naming the host as the problem.
#[test]
fn unknown_host_is_exit_2_with_the_way_out() {
    for url in [
        "postgres://u:Sentinel7@no-such-host.invalid/db",
        "mysql://u:Sentinel7@no-such-host.invalid/db",
    ] {
        let out = check(url, &["--format", "json"]);
        assert_eq!(out.code, 2, "{url}");
        assert!(
            out.stderr
                .contains("unknown host; check the host name in the URL"),
            "{url}: {}",
            out.stderr
        );
        assert_eq!(out.json().verdict, "error");
        assert!(!out.stderr.contains("Sentinel7") && !out.stdout.contains("Sentinel7"));
    }
}

/// `--quiet`: nothing on stdout or stderr, the exit code is the answer; a report file asked
/// for is still written. `-v` logs the steps on stderr and leaves stdout to the report.
#[test]
fn quiet_prints_nothing_and_verbose_logs_to_stderr() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite3");
    let demo = run(bin().args(["--quiet", "demo"]).arg(&db));
    assert_eq!(
        (demo.code, demo.stdout.as_str(), demo.stderr.as_str()),
        (0, "", "")
    );
    let url = db.to_string_lossy().into_owned();

    let failing = check(&url, &["--quiet"]);
    assert_eq!(
        (
            failing.code,
            failing.stdout.as_str(),
            failing.stderr.as_str()
        ),
        (1, "", "")
    );
    let report = dir.path().join("report.json");
    let to_file = check(
        &url,
        &[
            "-q",
            "--format",
            "json",
            "--output",
            &report.to_string_lossy(),
        ],
    );
    assert_eq!(
        (
            to_file.code,
            to_file.stdout.as_str(),
            to_file.stderr.as_str()
        ),
        (1, "", "")
    );
    assert!(
        std::fs::read_to_string(&report)
            .expect("written")
            .contains("\"verdict\": \"fail\"")
    );
    let error = check(
        &dir.path().join("missing.sqlite3").to_string_lossy(),
        &["--quiet"],
    );
    assert_eq!(
        (error.code, error.stdout.as_str(), error.stderr.as_str()),
        (2, "", "")
    );

    let verbose = check(&url, &["-v", "--format", "json"]);
    assert_eq!(verbose.code, 1);
    assert!(verbose.stderr.contains("INFO"), "{}", verbose.stderr);
    assert!(
        verbose.stderr.contains("coverage: fail in"),
        "{}",
        verbose.stderr
    );
    assert!(!verbose.stderr.contains("DEBUG"), "{}", verbose.stderr);
    assert_eq!(verbose.json().verdict, "fail", "stdout is still the report");
    let very = check(&url, &["-vv", "--format", "json"]);
    assert!(very.stderr.contains("DEBUG"), "{}", very.stderr);
    assert!(very.stderr.contains("query: SELECT"), "{}", very.stderr);

    let both = run(bin().args(["-q", "-v", "check", "--database-url", &url]));
    assert_eq!(both.code, 2, "--quiet and --verbose contradict each other");
}

/// xmllint, which validates JUnit output against tests/schemas/junit.xsd. CI installs it
/// (.ci/run); elsewhere a missing xmllint skips the validation with a printed reason.
pub(crate) fn xmllint_validate(path: &std::path::Path) -> bool {
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/junit.xsd");
    match std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(path)
        .output()
    {
        Ok(out) => {
            assert!(
                out.status.success(),
                "JUnit output does not validate: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            true
        }
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "xmllint is required in CI: {e}"
            );
            eprintln!("SKIPPED: JUnit schema validation, xmllint unavailable ({e})");
            false
        }
    }
}

/// Each check's wall time and the audit's in the JSON: on one connection the checks run one
/// after another inside the audit, so their times add up to no more than the audit's, and the
/// one that runs the shared booking join takes time.
#[test]
fn the_json_times_every_check_and_the_audit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite3");
    assert_eq!(run(bin().arg("-q").arg("demo").arg(&db)).code, 0);
    let json = check(&db.to_string_lossy(), &["--format", "json", "--jobs", "1"]).json();
    let sum: u64 = json.checks.iter().map(|c| c.duration_ms).sum();
    assert!(
        sum <= json.duration_ms,
        "checks {sum} ms within the audit's {} ms",
        json.duration_ms
    );
    assert!(json.duration_ms > 0, "an audit takes time");
    let stopped = check(
        &dir.path().join("missing.sqlite3").to_string_lossy(),
        &["--format", "json"],
    );
    assert_eq!(stopped.code, 2);
    assert!(stopped.json().checks.is_empty());
}

/// One audit, five outputs: the table on stdout and JSON, JUnit, Markdown and CSV files, all
/// from the same snapshot and telling the same story.
#[test]
fn several_formats_are_written_from_one_audit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite3");
    assert_eq!(run(bin().arg("-q").arg("demo").arg(&db)).code, 0);
    let file = |name: &str| dir.path().join(name);
    let arg = |name: &str| file(name).to_string_lossy().into_owned();
    let out = check(
        &db.to_string_lossy(),
        &[
            "--format",
            "table",
            "--json",
            &arg("a.json"),
            "--junit",
            &arg("a.xml"),
            "--markdown",
            &arg("a.md"),
            "--csv",
            &arg("a.csv"),
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("coverage"), "the table is on stdout");
    let json =
        crate::support::report::parse(&std::fs::read_to_string(file("a.json")).expect("json"));
    let failing: Vec<&str> = json
        .checks
        .iter()
        .filter(|c| c.status == "fail")
        .map(|c| c.id.as_str())
        .collect();
    assert!(!failing.is_empty());

    let xml = std::fs::read_to_string(file("a.xml")).expect("junit");
    xmllint_validate(&file("a.xml"));
    assert_eq!(xml.matches("<testcase ").count(), json.checks.len());
    // Durations where CI reads them, the same as the JSON's (to the millisecond: one rounds,
    // the other truncates).
    // The seconds in the first ` time="…"` after `start` in the XML.
    let seconds_after = |start: &str| -> f64 {
        let tag = &xml[xml
            .find(start)
            .unwrap_or_else(|| panic!("{start} in {xml}"))..];
        let value = &tag[tag.find(r#" time=""#).expect("a time") + r#" time=""#.len()..];
        value[..value.find('"').expect("a closing quote")]
            .parse()
            .expect("seconds")
    };
    let near = |seconds: f64, ms: u64| (seconds * 1000.0 - ms as f64).abs() <= 1.0;
    let suite = seconds_after("<testsuite ");
    assert!(
        near(suite, json.duration_ms),
        "the suite's time is the audit's: {suite} s, {} ms",
        json.duration_ms
    );
    assert!(
        xml.contains(r#"hostname="localhost""#),
        "the suite names the host the checks ran on: {xml}"
    );
    for c in &json.checks {
        let time = seconds_after(&format!(r#"<testcase name="{}" "#, c.id));
        assert!(
            near(time, c.duration_ms),
            "{}: {time} s against {} ms",
            c.id,
            c.duration_ms
        );
    }
    assert_eq!(xml.matches("<failure ").count(), failing.len());
    assert!(
        xml.contains("offending booking ids (14 in all): 3834"),
        "{xml}"
    );

    let md = std::fs::read_to_string(file("a.md")).expect("markdown");
    assert!(md.starts_with("## session-audit: ❌ FAIL"), "{md}");
    for id in &failing {
        assert!(
            md.contains(&format!("### ❌ fail `{id}`")),
            "{id} has its section"
        );
    }
    // Each failing check says how to fix it, from its docs page, without the repository.
    assert_eq!(
        md.matches("**How to fix:** ").count(),
        failing.len(),
        "{md}"
    );
    assert!(
        md.contains("docs/checks/coverage.md") == failing.contains(&"coverage"),
        "{md}"
    );
    assert!(md.lines().count() < 300, "short enough for a job summary");

    let csv = std::fs::read_to_string(file("a.csv")).expect("csv");
    assert!(csv.starts_with("check,"), "{csv}");
}

/// When the audit cannot run, every machine-readable output says so: JSON and JUnit files
/// with verdict error, a Markdown summary naming the problem; exit 2.
#[test]
fn every_requested_file_reports_an_error_when_the_audit_cannot_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let arg = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let out = check(
        "postgres://u:Sentinel5@127.0.0.1:1/db",
        &[
            "--json",
            &arg("a.json"),
            "--junit",
            &arg("a.xml"),
            "--markdown",
            &arg("a.md"),
        ],
    );
    assert_eq!(out.code, 2);
    let json = std::fs::read_to_string(dir.path().join("a.json")).expect("json");
    assert!(json.contains("\"verdict\": \"error\""), "{json}");
    let xml = std::fs::read_to_string(dir.path().join("a.xml")).expect("junit");
    assert!(xml.contains("<error message=\"cannot connect"), "{xml}");
    xmllint_validate(&dir.path().join("a.xml"));
    let md = std::fs::read_to_string(dir.path().join("a.md")).expect("md");
    assert!(
        md.contains("ERROR") && md.contains("connection refused"),
        "{md}"
    );
    for text in [&json, &xml, &md] {
        assert!(!text.contains("Sentinel5"));
    }

    let same = check("db.sqlite3", &["--json", &arg("x"), "--junit", &arg("x")]);
    assert_eq!(same.code, 2);
    assert!(
        same.stderr.contains("is given as more than one output"),
        "{}",
        same.stderr
    );
}

/// `sql` prints every query of the selected checks for a dialect with the configured table
/// names quoted, and never connects (the URL names a host that does not exist).
#[test]
fn sql_prints_the_queries_without_connecting() {
    let all = run(bin().args([
        "sql",
        "--database-url",
        "postgres://u:Sentinel3@no-such-host.invalid/db",
    ]));
    assert_eq!(all.code, 0, "{}", all.stderr);
    for id in ["coverage", "duplicate-times", "capacity", "orphan-sessions"] {
        assert!(all.stdout.contains(&format!("-- ===== {id}: ")), "{id}");
    }
    assert!(all.stdout.contains("FROM \"bookings_booking\" AS b"));
    assert!(all.stdout.contains("$1"), "PostgreSQL placeholders");
    assert!(all.stdout.contains("(shared: printed above)"));
    assert!(!all.stdout.contains("Sentinel3") && !all.stderr.contains("Sentinel3"));

    let mysql = run(bin().args([
        "sql",
        "--backend",
        "mysql",
        "--sessions-table",
        "service_sessions",
        "capacity",
    ]));
    assert_eq!(mysql.code, 0, "{}", mysql.stderr);
    assert!(
        mysql.stdout.contains("FROM `service_sessions` AS s"),
        "{}",
        mysql.stdout
    );
    assert!(
        mysql.stdout.contains("CAST(s.`session_type` AS BINARY)"),
        "{}",
        mysql.stdout
    );
    assert!(
        !mysql.stdout.contains("-- ===== coverage"),
        "only the checks asked for"
    );

    let hostile = run(bin().args([
        "sql",
        "--backend",
        "sqlite",
        "--bookings-table=b\"; DROP TABLE x; --",
        "coverage",
    ]));
    assert_eq!(hostile.code, 0, "{}", hostile.stderr);
    assert!(
        hostile
            .stdout
            // diesel quotes SQLite identifiers with backticks (doubling any inside).
            .contains("FROM `b\"; DROP TABLE x; --` AS b"),
        "{}",
        hostile.stdout
    );
}

/// `explain` asks the planner, executes nothing, and names each check's queries.
#[test]
fn explain_prints_the_plan_of_every_query_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite3");
    assert_eq!(run(bin().arg("-q").arg("demo").arg(&db)).code, 0);
    let before = std::fs::read(&db).expect("read");
    let out = run(bin().args(["explain", "--database-url"]).arg(&db));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("booking_join.sqlite.sql"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("plan: SCAN b"), "{}", out.stdout);
    assert_eq!(
        out.stdout.matches("\n\n").count(),
        15,
        "a block per check:\n{}",
        out.stdout
    );
    assert_eq!(std::fs::read(&db).expect("read"), before, "nothing written");
}

/// Completions for every shell clap_complete knows, and a man page, from the clap definitions.
#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(bin().args(["completions", shell]));
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("session-audit"), "{shell}");
        assert!(
            out.stdout.contains("fail-on-new"),
            "{shell} completes the options"
        );
    }
    let man = run(bin().arg("man"));
    assert_eq!(man.code, 0);
    assert!(man.stdout.starts_with(".ie"), "roff");
    assert!(
        man.stdout.contains(".TH session-audit 1"),
        "{}",
        &man.stdout[..200]
    );
    let bad = run(bin().args(["completions", "cmd.exe"]));
    assert_eq!(bad.code, 2);
}

/// `--output` to a device or pipe writes into it: `/dev/stdout` reaches the reader, and
/// `/dev/null` stays a device (a rename over it would have replaced it with a plain file).
#[test]
fn output_to_a_device_writes_into_it_and_leaves_it_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite3");
    assert_eq!(run(bin().arg("-q").arg("demo").arg(&db)).code, 0);
    let url = db.to_string_lossy().into_owned();
    let out = check(&url, &["--format", "json", "--output", "/dev/stdout"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.json().verdict, "fail");
    let null = check(
        &url,
        &[
            "--format",
            "json",
            "--output",
            "/dev/null",
            "--junit",
            "/dev/null",
        ],
    );
    assert_eq!(
        null.code, 2,
        "the same path twice is refused: {}",
        null.stderr
    );
    let null = check(&url, &["--format", "json", "--output", "/dev/null"]);
    assert_eq!(null.code, 1, "{}", null.stderr);
    assert!(
        std::fs::metadata("/dev/null")
            .expect("stat")
            .file_type()
            .is_char_device(),
        "/dev/null is still a device"
    );
}

/// explain and fix-sql write no report: they do not take a report flag (usage error, exit 2)
/// and their --help does not list one.
#[test]
fn report_flags_are_refused_where_no_report_is_written() {
    for (command, flag) in [
        ("explain", "--junit"),
        ("explain", "--format"),
        ("explain", "--sample"),
        ("fix-sql", "--json"),
        ("fix-sql", "--compare"),
        ("fix-sql", "--only"),
    ] {
        let out = run(bin().args([command, "--database-url", "db.sqlite3", flag, "x"]));
        assert_eq!(out.code, 2, "{command}");
        assert!(
            out.stderr
                .contains(&format!("unexpected argument '{flag}' found")),
            "{}",
            out.stderr
        );
        let help = run(bin().args([command, "--help"]));
        assert!(
            !help.stdout.contains(&format!("{flag} ")),
            "{command} --help lists {flag}"
        );
    }
}

/// A `[columns]` key the audit does not read is refused before connecting: it would rename
/// nothing and let a wrong schema pass.
#[test]
fn a_columns_key_the_audit_does_not_read_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(&config, "[columns.sessions]\nstarts = \"starts_at\"\n").unwrap();
    let out = check(
        "/nonexistent/db.sqlite3",
        &["--config", &config.to_string_lossy()],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "[columns.sessions] names `starts`, which session-audit does not read from that table; it reads"
        ),
        "{}",
        out.stderr
    );
}

/// A closed stdout (the reader went away) ends every subcommand quietly: no panic (exit 101),
/// no error line.
#[test]
fn a_closed_stdout_ends_every_subcommand_quietly() {
    let db = SqliteDb::new();
    crate::support::Fixture::clean().create(&db);
    let url = db.url();
    let commands: Vec<Vec<&str>> = vec![
        vec!["check", "--database-url", &url],
        vec!["check", "--database-url", &url, "--format", "json"],
        vec!["explain", "--database-url", &url],
        vec!["fix-sql", "--database-url", &url],
        vec!["sql"],
        vec!["explain-check", "coverage"],
        vec!["man"],
        vec!["completions", "bash"],
        vec!["init", "-"],
    ];
    for args in commands {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("session-audit"))
            .args(&args)
            .env_remove("DATABASE_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start");
        drop(child.stdout.take()); // the reader is gone before anything is written
        let out = child.wait_with_output().expect("ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
}

/// A server that accepts TCP and never answers (a hung pooler, a stopped postmaster behind a
/// proxy) cannot hang the audit: --connect-timeout bounds the whole set-up on both servers.
#[test]
fn a_server_that_never_answers_is_exit_2_within_the_connect_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept and hold every connection without a byte of answer, until the test ends.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    for url in [
        format!("postgres://u@127.0.0.1:{port}/db?sslmode=disable"),
        format!("postgres://u@127.0.0.1:{port}/db"),
        format!("mysql://u@127.0.0.1:{port}/db"),
    ] {
        let started = std::time::Instant::now();
        let out = check(&url, &["--connect-timeout", "1s"]);
        let took = started.elapsed();
        assert_eq!(out.code, 2, "{url}: {}", out.stderr);
        assert!(
            took < std::time::Duration::from_secs(5),
            "{url} took {took:?}"
        );
        assert!(
            out.stderr.contains("no answer within 1s"),
            "{url}: {}",
            out.stderr
        );
    }
}

/// The CSV of an audit that could not be evaluated says so: one row per check with its status,
/// or one row for the audit when it stopped before any check ran.
#[test]
fn the_csv_of_an_errored_audit_says_error() {
    let out = check(
        "postgres://u@127.0.0.1:1/db?sslmode=disable",
        &["--format", "csv", "--connect-timeout", "1s"],
    );
    assert_eq!(out.code, 2);
    let mut rows = csv::Reader::from_reader(out.stdout.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        ["check", "status", "summary"]
    );
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1, "{}", out.stdout);
    assert_eq!(&records[0][1], "error");
    assert!(records[0][2].contains("cannot connect"), "{}", out.stdout);

    let db = SqliteDb::new();
    crate::support::Fixture::new().create(&db); // both tables empty: nothing evaluated
    let out = check(&db.url(), &["--format", "csv"]);
    assert_eq!(out.code, 2);
    let mut rows = csv::Reader::from_reader(out.stdout.as_bytes());
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 15, "one row per check: {}", out.stdout);
    assert_eq!(&records[1][0], "coverage");
    assert_eq!(&records[1][1], "warn");
}

/// `check --format html` writes the same self-contained page `report` saves, without history.
#[test]
fn check_writes_the_html_page() {
    let db = SqliteDb::new();
    crate::support::Fixture::clean().create(&db);
    let out = check(&db.url(), &["--format", "html"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = roxmltree::Document::parse(out.stdout.trim_start_matches("<!DOCTYPE html>\n"))
        .expect("the page is well-formed markup");
    for id in ["verdict", "checks", "history"] {
        assert!(
            page.descendants().any(|n| n.attribute("id") == Some(id)),
            "no #{id}"
        );
    }
    assert!(
        out.stdout.contains("No saved reports yet."),
        "no history outside report"
    );
}

/// The page says how to fix each check that needs attention, and only those.
#[test]
fn the_html_page_says_how_to_fix_what_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite3");
    let demo = run(bin().arg("-q").arg("demo").arg(&db));
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    let url = db.to_string_lossy().into_owned();
    let json = crate::support::report::parse(&check(&url, &["--format", "json"]).stdout);
    let attention: Vec<&str> = json
        .checks
        .iter()
        .filter(|c| c.status == "fail" || c.status == "warn")
        .map(|c| c.id.as_str())
        .collect();
    assert!(!attention.is_empty());
    let page = check(&url, &["--format", "html"]).stdout;
    assert_eq!(
        page.matches("<strong>How to fix:</strong>").count(),
        attention.len(),
        "one fix per check needing attention"
    );
    let fix = page
        .split("<article id=\"check-coverage\">")
        .nth(1)
        .and_then(|rest| rest.split("</article>").next())
        .expect("the coverage section");
    assert!(
        fix.contains("How to fix:") == attention.contains(&"coverage"),
        "{fix}"
    );
    if attention.contains(&"coverage") {
        assert!(
            fix.contains("apply <code>bookings.0013</code> only when"),
            "the docs' code spans are code on the page: {fix}"
        );
    }
}

/// On the demo's planted defects every check answers alone as in the whole audit (issue 17:
/// the shared passes are read differently depending on what else runs).
#[test]
fn the_demo_answers_the_same_check_by_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite3");
    assert_eq!(run(bin().arg("-q").arg("demo").arg(&db)).code, 0);
    let failing = crate::support::report::assert_each_check_alone_agrees(&db.to_string_lossy());
    assert!(failing >= 5, "the demo plants defects for many checks");
}
