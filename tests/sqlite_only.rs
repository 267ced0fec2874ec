//! SQLite specifics: Django's text timestamps, and files that are not what they should be.

use crate::support::{Fixture, SqliteDb, TestDb, check};

#[test]
fn django_text_timestamps_read_as_utc_in_every_form() {
    let db = SqliteDb::new();
    Fixture::new()
        .session(
            1,
            1,
            Some("workshop"),
            Some("public"),
            Some("2025-01-15 14:00:00"),
        )
        .session(
            2,
            1,
            Some("workshop"),
            Some("public"),
            Some("2025-01-15T16:00:00+02:00"),
        )
        .session(
            3,
            1,
            Some("workshop"),
            Some("public"),
            Some("2025-01-15 14:00:00.000000"),
        )
        .session(
            4,
            2,
            Some("workshop"),
            Some("public"),
            Some("2025-01-15T09:00:00-05:00"),
        )
        .session(
            5,
            2,
            Some("workshop"),
            Some("public"),
            Some("2025-01-15 14:00:00Z"),
        )
        .session(
            6,
            3,
            Some("individual"),
            Some("private"),
            Some("2025-01-15 08:30:00.250000"),
        )
        .create(&db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let duplicates = report.check("duplicate-times");
    assert_eq!(
        duplicates.rows_of(&["service_id", "start_time", "count", "session_ids"]),
        [
            "1 \"2025-01-15T14:00:00Z\" 3 [1,2,3]",
            "2 \"2025-01-15T14:00:00Z\" 2 [4,5]"
        ],
        "the same instant written in different forms is one time"
    );
    let types = report.check("type-distribution");
    assert_eq!(
        types.rows_of(&["session_type", "earliest", "latest"]),
        [
            "\"individual\" \"2025-01-15T08:30:00.250Z\" \"2025-01-15T08:30:00.250Z\"",
            "\"workshop\" \"2025-01-15T14:00:00Z\" \"2025-01-15T14:00:00Z\"",
            "\"course_session\" null null",
        ]
    );
}

#[test]
fn timestamps_that_do_not_parse_are_an_error_not_a_pass() {
    let db = SqliteDb::new();
    Fixture::clean()
        .session(
            10,
            9,
            Some("workshop"),
            Some("public"),
            Some("15/01/2025 14:00"),
        )
        .session(11, 9, Some("workshop"), Some("public"), Some("2025-01-15"))
        .create(&db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report.check("type-distribution").status, "error");
    assert!(
        report
            .check("type-distribution")
            .summary
            .contains("2 sessions"),
        "{}",
        report.check("type-distribution").summary
    );
    // Every check that refuses them names the place: table, column, ids and a value.
    for id in ["type-distribution", "session-time-range"] {
        let summary = &report.check(id).summary;
        assert!(
            summary
                .contains("services_servicesession.start_time ids 10, 11, e.g. `15/01/2025 14:00`"),
            "{id}: {summary}"
        );
    }
    let duplicates = report.check("duplicate-times");
    assert_eq!(duplicates.status, "error");
    assert!(
        duplicates.summary.contains("ids 10, 11"),
        "{}",
        duplicates.summary
    );
    assert_eq!(
        report.check("coverage").status,
        "pass",
        "the other checks still run"
    );
}

#[test]
fn a_missing_file_is_an_error_and_is_never_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nope.sqlite3");
    for url in [
        path.display().to_string(),
        // dj-database-url's absolute form: four slashes.
        format!("sqlite:///{}", path.display()),
        format!("file:{}", path.display()),
    ] {
        let run = check(&url, &[]);
        assert_eq!(run.code, 2, "{url}");
        assert!(
            run.stderr
                .contains("does not exist; session-audit never creates databases"),
            "{}",
            run.stderr
        );
        assert!(!path.exists(), "{url} created the file");
    }
}

#[test]
fn an_empty_file_or_a_text_file_is_not_a_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.sqlite3");
    std::fs::write(&empty, b"").expect("write");
    let run = check(&empty.display().to_string(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("is empty (0 bytes), not a SQLite database"),
        "{}",
        run.stderr
    );

    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "SELECT 1; -- not a database, just some text that is long enough",
    )
    .expect("write");
    let run = check(&text.display().to_string(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not in SQLite format"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_audit_leaves_the_file_untouched() {
    let db = SqliteDb::new();
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&db);
    let before = std::fs::read(db.path()).expect("read");
    let modified = std::fs::metadata(db.path())
        .and_then(|m| m.modified())
        .expect("mtime");
    let run = check(&db.url(), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        std::fs::read(db.path()).expect("read"),
        before,
        "bytes unchanged"
    );
    assert_eq!(
        std::fs::metadata(db.path())
            .and_then(|m| m.modified())
            .expect("mtime"),
        modified
    );
    let extra: Vec<_> = std::fs::read_dir(db.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        extra.len(),
        1,
        "no journal or WAL files left behind: {extra:?}"
    );
}

/// Table names from flags are identifiers, never SQL: quotes, semicolons, comments, spaces,
/// unicode and keywords are quoted and then not found (exit 2, naming the table), or refused
/// with a clear error. A canary table that an injected `DROP TABLE` would remove survives,
/// and the file is not changed.
#[test]
fn hostile_table_names_are_quoted_or_refused_never_run() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let db = SqliteDb::new();
    Fixture::clean().create(&db);
    db.exec("CREATE TABLE canary (id integer)");
    let before = std::fs::read(db.path()).expect("read");
    let pieces = prop::sample::select(vec![
        "\"",
        "'",
        "`",
        ";",
        "--",
        "/*",
        "*/",
        " ",
        "DROP TABLE canary",
        "SELECT",
        "é",
        "表",
        "bookings_booking",
        ")",
        "(",
        "\\",
        "%",
        "\t",
        "\n",
        "x",
    ]);
    let names = prop::collection::vec(pieces, 1..6).prop_map(|p| p.concat());
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&names, |name| {
            // `--flag=value`: a name like `--` must not read as the end of the options.
            let flag = format!("--bookings-table={name}");
            let run = check(
                &db.url(),
                &["--format", "json", "--only", "coverage", &flag],
            );
            if name == "bookings_booking" {
                // The real table, spelled right: the audit runs.
                prop_assert_eq!(run.code, 0, "{}", run.stderr);
                return Ok(());
            }
            prop_assert_eq!(run.code, 2, "{:?}: {}", name, run.stderr);
            let refused = run.stderr.contains("--bookings-table");
            let not_found = run.stdout.contains("does not exist");
            prop_assert!(
                refused || not_found,
                "{:?}: {} {}",
                name,
                run.stdout,
                run.stderr
            );
            prop_assert_eq!(
                run.stderr.trim().lines().count(),
                if refused { 1 } else { 2 },
                "{}",
                run.stderr
            );
            Ok(())
        })
        .unwrap();
    let tables = std::process::Command::new("sqlite3")
        .arg(db.path())
        .arg("SELECT name FROM sqlite_master WHERE name = 'canary'")
        .output();
    if let Ok(out) = tables {
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "canary");
    }
    assert_eq!(
        std::fs::read(db.path()).expect("read"),
        before,
        "file unchanged"
    );
}

/// Bytes that are not UTF-8 in a text column (SQLite stores whatever it is given): the checks
/// that read the value as text fail closed with exit 2, never pass, never panic.
#[test]
fn non_utf8_text_is_an_error_not_a_pass() {
    let db = SqliteDb::new();
    Fixture::clean().create(&db);
    db.exec(
        "UPDATE bookings_booking SET status = CAST(x'636f6e66ff726d6564' AS TEXT) WHERE id = 1",
    );
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let report = run.json();
    assert_eq!(report.verdict, "error");
    let coverage = report.check("coverage");
    assert_eq!(coverage.status, "error", "{}", coverage.summary);
    // It names the place: table, column and the row's id.
    assert!(
        coverage
            .summary
            .contains("bookings_booking.status of the row with id 1 is not UTF-8 text"),
        "{}",
        coverage.summary
    );
    for line in run.stderr.lines() {
        assert!(line.starts_with("error: "), "{line}");
    }
}

/// SQLite keeps whatever it is given, so a session key can be text that merely starts with a
/// session's id ('12x'). It links to no session: the booking join reports it as dangling, and
/// the sessions' load must not count it for session 12 (a `+ 0` on the key alone would, and
/// capacity would then pass a session whose linked bookings no longer match its count).
#[test]
fn a_text_session_key_links_to_no_session_in_any_check() {
    let db = SqliteDb::new();
    Fixture::clean().create(&db);
    let clean = check(&db.url(), &["--format", "json"]).json();
    assert_eq!(clean.check("capacity").status, "pass");
    assert_eq!(clean.check("dangling-session").status, "pass");
    db.exec(
        "UPDATE bookings_booking SET service_session_id = CAST(service_session_id AS TEXT) || 'x'
         WHERE id = (SELECT MIN(id) FROM bookings_booking WHERE service_session_id IS NOT NULL)",
    );
    let report = check(&db.url(), &["--format", "json"]).json();
    for (id, metric) in [
        ("dangling-session", "dangling_bookings"),
        ("capacity", "current_participants_mismatch"),
    ] {
        let found = report.check(id);
        assert_eq!(found.status, "fail", "{id}: {}", found.summary);
        assert_eq!(found.metric(metric), 1, "{id}: {:?}", found.metrics);
    }
}

/// A SQLite file whose audit takes seconds: 300,000 bookings of the clean fixture's shape.
fn slow_sqlite() -> SqliteDb {
    let db = SqliteDb::new();
    Fixture::clean().create(&db);
    db.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1000 UNION ALL SELECT i + 1 FROM n WHERE i < 301000)
         INSERT INTO bookings_booking (id, service_id, service_session_id, status, start_time, end_time)
         SELECT i, 1, NULL, 'confirmed', '2025-01-15 14:00:00', '2025-01-15 15:00:00' FROM n",
    );
    db
}

/// SQLite has no server to cancel a statement: a client-side time limit or a signal must still
/// end the audit at once with exit 2 and a complete error report, never a panic (exit 101).
#[test]
fn sqlite_timeouts_and_signals_end_the_audit_with_exit_2() {
    let db = slow_sqlite();
    let out = check(
        &db.url(),
        &["--format", "json", "--statement-timeout", "1ms"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(
        out.stderr.contains("exceeded the statement timeout of 1ms"),
        "{}",
        out.stderr
    );
    assert_eq!(out.json().verdict, "error");

    for signal in ["INT", "TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("session-audit"))
            .args([
                "check",
                "--database-url",
                &db.url(),
                "--format",
                "json",
                "--output",
            ])
            .arg(&path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start the audit");
        std::thread::sleep(std::time::Duration::from_millis(700));
        let sent = std::time::Instant::now();
        crate::support::send_signal(&child, signal);
        let output = child.wait_with_output().expect("the audit ends");
        let took = sent.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "SIG{signal}: {stderr}");
        assert!(
            took < std::time::Duration::from_secs(1),
            "SIG{signal} took {took:?}"
        );
        assert!(stderr.contains("interrupted by"), "{stderr}");
        let report =
            crate::support::report::parse(&std::fs::read_to_string(&path).expect("the report"));
        assert_eq!(report.verdict, "error");
    }
}

/// No output may replace what the run reads: the database (by any path, through a link, or its
/// -wal/-journal), the config, the waivers or the URL file. Refused before anything runs.
#[test]
fn an_output_never_replaces_an_input() {
    let db = SqliteDb::new();
    Fixture::clean().create(&db);
    let dir = db.dir.path();
    let before = std::fs::read(db.path()).unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(db.path(), &link).unwrap();
    let config = dir.join("c.toml");
    std::fs::write(&config, "sample = 5\n").unwrap();
    let waivers = dir.join("w.toml");
    std::fs::write(&waivers, "").unwrap();
    let url_file = dir.join("url");
    std::fs::write(&url_file, db.url()).unwrap();
    let db_path = db.url();
    let wal = format!("{db_path}-wal");
    let (c, w, u, l) = (
        config.to_string_lossy().into_owned(),
        waivers.to_string_lossy().into_owned(),
        url_file.to_string_lossy().into_owned(),
        link.to_string_lossy().into_owned(),
    );
    let base = ["--config", c.as_str(), "--waivers", w.as_str()];
    for flag in ["--output", "--csv", "--json", "--junit", "--markdown"] {
        for target in [
            db_path.as_str(),
            l.as_str(),
            wal.as_str(),
            c.as_str(),
            w.as_str(),
        ] {
            let mut args = base.to_vec();
            args.extend([flag, target]);
            let out = check(&db_path, &args);
            assert_eq!(out.code, 2, "{flag} {target}: {}", out.stderr);
            assert!(
                out.stderr.contains("which this run reads"),
                "{}",
                out.stderr
            );
        }
    }
    let out = crate::support::run(crate::support::bin().args([
        "check",
        "--database-url-file",
        &u,
        "--output",
        &u,
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = crate::support::run(crate::support::bin().args([
        "fix-sql",
        "--database-url",
        &db_path,
        "--output",
        &l,
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = crate::support::run(crate::support::bin().args([
        "init",
        &db_path,
        "--database-url",
        &db_path,
        "--force",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    // An error before the plan is made (a bad config) writes its error report elsewhere only.
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "nonsense\n").unwrap();
    let b = bad.to_string_lossy().into_owned();
    let out = check(
        &db_path,
        &["--config", &b, "--format", "json", "--output", &l],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        std::fs::read(db.path()).unwrap(),
        before,
        "the database is untouched"
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "sample = 5\n");
}

/// An audit in which every selected check was skipped verified nothing: exit 2, not a pass.
#[test]
fn an_audit_of_only_skipped_checks_is_exit_2() {
    let db = SqliteDb::new();
    Fixture::clean().without_migrations_table().create(&db);
    let out = check(
        &db.url(),
        &["--only", "migration-state", "--format", "json"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("every selected check was skipped"),
        "{}",
        out.stderr
    );
    let report = out.json();
    assert_eq!(report.verdict, "error");
    assert_eq!(report.check("migration-state").status, "skipped");
}

/// Django keeps some defaults in Python, and a table edited by hand or by an old migration can
/// hold NULL where the model says NOT NULL. Every column of every audited table, set NULL in
/// every row in turn: the audit must give a verdict, or exit 2 with a line that names the
/// table and column to fix, never a panic and never an error that leaves the operator guessing.
#[test]
fn a_null_in_any_column_gives_a_verdict_or_names_its_column() {
    use crate::support::{Backend, django};
    let tables = [
        "bookings_booking",
        "service_sessions",
        "services_service",
        "services_servicetype",
        "django_migrations",
    ];
    let probe = SqliteDb::new();
    probe.exec(&django::ddl(Backend::Sqlite).replace(" NOT NULL", ""));
    let columns = |table: &str| -> Vec<String> {
        let out = std::process::Command::new("sqlite3")
            .arg(probe.path())
            .arg(format!("SELECT name FROM pragma_table_info('{table}')"))
            .output()
            .expect("the sqlite3 shell reads the schema");
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("session-audit.toml");
    std::fs::write(&config, django::CONFIG).unwrap();
    let mut tried = 0;
    let mut unnamed = Vec::new();
    for table in tables {
        let names = columns(table);
        assert!(names.len() > 2, "{table} has its columns");
        for column in names.iter().filter(|c| *c != "id") {
            let db = SqliteDb::new();
            // Django's DDL without its NOT NULLs, so the NULL can be written at all.
            let nullable = NullableDdl(&db);
            django::create(&nullable, &[]);
            db.exec(&format!("UPDATE {table} SET {column} = NULL"));
            let run = check(
                &db.url(),
                &["--config", config.to_str().unwrap(), "--format", "json"],
            );
            tried += 1;
            let code = run.code;
            assert!(
                matches!(code, 0..=2),
                "{table}.{column} NULL: exit {code}\n{}",
                run.stderr
            );
            if code == 2 {
                let named = run.stderr.contains(&format!("{table}.{column}"))
                    || run.stderr.contains(&format!("\"{column}\""))
                    || run.stderr.contains(&format!("`{column}`"));
                if !named {
                    unnamed.push(format!("{table}.{column}: {}", run.stderr.trim()));
                }
            }
        }
    }
    assert!(tried > 40, "every column tried ({tried})");
    assert!(
        unnamed.is_empty(),
        "errors that do not name their column:\n{}",
        unnamed.join("\n")
    );
}

/// A SQLite test database that runs Django's DDL with its NOT NULL constraints taken out.
struct NullableDdl<'a>(&'a SqliteDb);

impl TestDb for NullableDdl<'_> {
    fn url(&self) -> String {
        self.0.url()
    }
    fn exec(&self, sql: &str) {
        self.0.exec(&sql.replace(" NOT NULL", ""));
    }
    fn backend(&self) -> crate::support::Backend {
        crate::support::Backend::Sqlite
    }
}

/// `--jobs 2` reads a rollback-journal file (Django's default) on two connections, and a WAL
/// file or one opened without locks on one (db::sharing: only a rollback journal's read lock
/// keeps the file still for a second reader); either way the report is the one a single
/// connection gives, the booking join made in parts on two connections or whole on one.
#[test]
fn two_connections_read_a_rollback_journal_file_and_one_a_wal_file() {
    use crate::support::report::without_time;
    let db = SqliteDb::new();
    Fixture::with_a_few_findings().create(&db);
    let one = check(&db.url(), &["--format", "json", "--jobs", "1"]);
    assert_eq!(one.code, 1, "{}", one.stderr);
    let immutable = format!("file:{}?immutable=1", db.path().display());
    for (mode, url, connections) in [
        ("DELETE", db.url(), 2),
        ("DELETE", immutable, 1),
        ("WAL", db.url(), 1),
    ] {
        db.exec(&format!("PRAGMA journal_mode = {mode}"));
        let two = check(&url, &["--format", "json", "--jobs", "2", "-v"]);
        assert!(
            two.stderr
                .contains(&format!("snapshot open on {connections} connection(s)")),
            "{url}, {mode}: {}",
            two.stderr
        );
        // On two connections the booking join is made in parts that they share.
        assert_eq!(
            two.stderr.contains("booking join part(s)"),
            connections == 2,
            "{url}, {mode}: {}",
            two.stderr
        );
        // The report names the URL it was given; everything else must agree.
        let mut report = without_time(&two.stdout);
        report["database"]["url"] = without_time(&one.stdout)["database"]["url"].clone();
        assert_eq!(
            (two.code, report),
            (one.code, without_time(&one.stdout)),
            "{url}, {mode}"
        );
    }
}

/// A bookings table whose key is not SQLite's rowid can hold ids that are not integers (a
/// UUID key is text; nothing stops a REAL), which a range of integers would leave out. There
/// the booking join is made whole on two connections too, and counts them: the report is the
/// one a single connection gives, the extra booking included. An `INTEGER PRIMARY KEY` is the
/// rowid only in a rowid table and only in ascending order (SQLite's "ROWIDs and the INTEGER
/// PRIMARY KEY"), so the shapes tried include two that look like one and are not. Django's
/// own table, whose key is the rowid, is joined in parts.
#[test]
fn bookings_whose_ids_are_not_integers_are_joined_all_the_same() {
    use crate::support::report::without_time;
    let django_table = crate::support::django::ddl(crate::support::Backend::Sqlite)
        .lines()
        .find(|line| line.starts_with("CREATE TABLE \"bookings_booking\""))
        .expect("Django's DDL creates bookings_booking");
    let key = "PRIMARY KEY AUTOINCREMENT";
    assert!(
        django_table.contains(key),
        "Django's DDL changed: {django_table}"
    );
    let like_django = |key_as: &str, table_options: &str| {
        let create = django_table
            .replace(key, key_as)
            .replace("\"bookings_booking\"", "bookings_new");
        let create = create.trim_end().trim_end_matches(';');
        format!(
            "{create}{table_options};\nINSERT INTO bookings_new SELECT * FROM bookings_booking;"
        )
    };
    let shapes = [
        (
            "no primary key",
            "CREATE TABLE bookings_new AS SELECT * FROM bookings_booking;".to_string(),
        ),
        (
            "INTEGER PRIMARY KEY DESC",
            like_django("PRIMARY KEY DESC", ""),
        ),
        (
            "WITHOUT ROWID",
            like_django("PRIMARY KEY", " WITHOUT ROWID"),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("session-audit.toml");
    std::fs::write(&config, crate::support::django::CONFIG).unwrap();
    let config = config.to_string_lossy();
    let audit = |db: &SqliteDb, jobs: &str| {
        check(
            &db.url(),
            &[
                "--config", &config, "--format", "json", "--jobs", jobs, "-v",
            ],
        )
    };
    // A few findings: a booking without a session, one whose legacy time drifted.
    let platform = |db: &SqliteDb| {
        crate::support::django::create(
            db,
            &[
                (10, 1, None, "confirmed", Some((3, 9))),
                (11, 2, Some(2), "confirmed", Some((2, 10))),
            ],
        )
    };

    let db = SqliteDb::new();
    platform(&db);
    let as_django_made_it = audit(&db, "2");
    assert!(as_django_made_it.code <= 1, "{}", as_django_made_it.stderr);
    assert!(
        as_django_made_it.stderr.contains("booking join part(s)"),
        "{}",
        as_django_made_it.stderr
    );
    // The parts, read through the soft-delete filter of Django's table, give the report of
    // the whole join on one connection.
    let whole = audit(&db, "1");
    assert_eq!(
        (
            as_django_made_it.code,
            without_time(&as_django_made_it.stdout)
        ),
        (whole.code, without_time(&whole.stdout))
    );

    for (shape, create) in shapes {
        for (kind, id) in [("REAL", "1.5"), ("text", "'a-uuid'")] {
            let db = SqliteDb::new();
            platform(&db);
            let before = audit(&db, "1");
            // The same bookings in a table of that shape, and one more: a copy of the first,
            // under an id that is not an integer.
            db.exec(&format!(
                "{create}
                 DROP TABLE bookings_booking;
                 ALTER TABLE bookings_new RENAME TO bookings_booking;
                 CREATE TEMP TABLE one AS SELECT * FROM bookings_booking
                     WHERE id = (SELECT MIN(id) FROM bookings_booking);
                 UPDATE one SET id = {id};
                 INSERT INTO bookings_booking SELECT * FROM one;"
            ));
            let one = audit(&db, "1");
            let two = audit(&db, "2");
            let total =
                |run: &crate::support::Run| run.json().check("coverage").metric("total_bookings");
            assert_eq!(
                total(&one),
                total(&before) + 1,
                "{shape}, {kind}: {}",
                one.stdout
            );
            assert_eq!(
                (two.code, without_time(&two.stdout)),
                (one.code, without_time(&one.stdout)),
                "{shape}, {kind}: {}",
                two.stderr
            );
            assert!(
                two.stderr.contains("snapshot open on 2 connection(s)")
                    && !two.stderr.contains("booking join part(s)"),
                "{shape}, {kind}: {}",
                two.stderr
            );
        }
    }
}
