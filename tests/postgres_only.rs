//! PostgreSQL specifics: the snapshot's settings, time limits, and connection failures.

use crate::support::pg::{PgCluster, PgDb};
use crate::support::report::without_time;
use crate::support::{Fixture, TestDb, check};

/// Puts a view of the first booking in the bookings table's place, its status the SQL
/// expression `status`, evaluated when the audit reads it: coverage lists that value as the
/// one status it saw, so a test reads the settings the audit's queries run under.
fn status_reads(db: &PgDb, status: &str) {
    db.exec(&format!(
        "ALTER TABLE bookings_booking RENAME TO bookings_real;
         CREATE VIEW bookings_booking AS
         SELECT id, service_id, NULL::bigint AS service_session_id, {status} AS status, start_time
         FROM bookings_real WHERE id = 1;"
    ));
}

/// The audit's transaction is what the contract says: read only, repeatable read, UTC, named.
#[test]
fn the_audit_runs_read_only_on_one_snapshot() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    status_reads(
        &db,
        "current_setting('transaction_read_only') || '/' || current_setting('transaction_isolation')
         || '/' || current_setting('TimeZone') || '/' || current_setting('application_name')
         || '/' || current_setting('statement_timeout') || '/' || current_setting('lock_timeout')",
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

/// PostgreSQL's parallel workers per query: none for an audit on two connections (its checks
/// already run side by side), the server's setting on one, and what `--parallel-workers`
/// says. The sessions' load runs without workers and then gives its connection back the
/// audit's value, not the server's: on one connection it runs before coverage.
#[test]
fn parallel_workers_follow_the_connections_and_the_flag() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    status_reads(&db, "current_setting('max_parallel_workers_per_gather')");
    let server: String = db
        .client()
        .query_one("SHOW max_parallel_workers_per_gather", &[])
        .expect("SHOW")
        .get(0);
    let seen = |args: &[&str]| {
        let run = check(&db.url(), &[&["--format", "json"], args].concat());
        assert_eq!(run.code, 1, "{}", run.stderr);
        run.json().check("coverage").rows_of(&["status"])
    };
    let quoted = |value: &str| vec![format!("\"{value}\"")];
    assert_eq!(seen(&[]), quoted("0"), "--jobs 2 by default");
    assert_eq!(seen(&["--jobs", "1"]), quoted(&server));
    assert_eq!(seen(&["--parallel-workers", "server"]), quoted(&server));
    assert_eq!(
        seen(&["--jobs", "1", "--parallel-workers", "3"]),
        quoted("3")
    );
    assert_eq!(seen(&["--parallel-workers", "4"]), quoted("4"));
    let wrong = check(&db.url(), &["--parallel-workers", "many"]);
    assert_eq!(wrong.code, 2);
    assert!(
        wrong
            .stderr
            .contains("use auto, server, or a number of workers from 0 to 64"),
        "{}",
        wrong.stderr
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

/// Another session holding an exclusive lock on the bookings table, until it is dropped.
fn lock_bookings(db: &PgDb) -> postgres::Client {
    let mut holder = db.client();
    holder
        .batch_execute("BEGIN; LOCK TABLE bookings_booking IN ACCESS EXCLUSIVE MODE")
        .expect("lock");
    holder
}

#[test]
fn lock_timeout_is_an_error_with_exit_2() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    let holder = lock_bookings(&db);
    let run = check(&db.url(), &["--format", "json", "--lock-timeout", "200ms"]);
    drop(holder); // closing the session releases the lock
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

/// In a full audit the bookings profile comes from the booking join (issue 17). When the join
/// cannot run (here another session holds the sessions table), the bookings-only checks still
/// answer from their own scan of the bookings, as they did before the profile came from the
/// join: a problem on the sessions side never costs coverage.
#[test]
fn bookings_only_checks_answer_when_the_booking_join_cannot_run() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&db);
    let mut holder = db.client();
    holder
        .batch_execute("BEGIN; LOCK TABLE services_servicesession IN ACCESS EXCLUSIVE MODE")
        .expect("lock");
    let run = check(
        &db.url(),
        &["--format", "json", "--lock-timeout", "200ms", "--jobs", "1"],
    );
    drop(holder);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let report = run.json();
    let dangling = report.check("dangling-session");
    assert_eq!(dangling.status, "error");
    assert!(
        dangling.summary.contains("lock timeout"),
        "{}",
        dangling.summary
    );
    let coverage = report.check("coverage");
    assert_eq!(coverage.status, "fail", "{}", coverage.summary);
    assert_eq!(coverage.metric("scheduled_without_session"), 1);
    assert_eq!(coverage.sample_ids, [10]);
    assert_eq!(report.check("status-vocabulary").status, "pass");
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
    Fixture::with_a_few_findings().create(&db);
    let one = check(&db.url(), &["--format", "json", "--jobs", "1"]);
    let four = check(&db.url(), &["--format", "json", "--jobs", "4"]);
    assert_eq!(one.code, 1);
    assert_eq!(
        (four.code, without_time(&four.stdout)),
        (one.code, without_time(&one.stdout))
    );
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

/// Starts `check` in the background against a database whose bookings table another session
/// holds locked, and waits until the audit's connection is waiting on that lock: a run that is
/// certainly in the middle of its work.
fn audit_waiting_on_a_lock(db: &PgDb, args: &[&str]) -> (std::process::Child, i32) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("session-audit"))
        .env_remove("DATABASE_URL")
        .env_remove("PGPASSWORD")
        .args([
            "check",
            "--database-url",
            &db.url(),
            "--lock-timeout",
            "60s",
        ])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the audit");
    let mut watcher = db.client();
    let database = db.name();
    for _ in 0..200 {
        let waiting = watcher
            .query(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1
                 AND application_name = 'session-audit' AND backend_type = 'client backend' AND wait_event_type = 'Lock'",
                &[&database],
            )
            .expect("read pg_stat_activity");
        if let Some(row) = waiting.first() {
            return (child, row.get(0));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let output = child.wait_with_output().expect("the audit ends");
    panic!(
        "the audit never waited on the lock: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn connections_of_the_audit(db: &PgDb) -> i64 {
    db.client()
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'session-audit' AND backend_type = 'client backend'",
            &[&db.name()],
        )
        .expect("count connections")
        .get(0)
}

/// Ctrl-C (and a CI runner's SIGTERM) in the middle of an audit: exit 2 with one line, a JSON
/// report that says `error` or no file at all, never a half-written one, and every connection
/// closed.
#[test]
fn an_interrupted_audit_is_exit_2_and_leaves_no_half_written_file() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    for signal in ["INT", "TERM"] {
        let out = tempfile::tempdir().expect("temp dir");
        let path = out.path().join("report.json");
        let path_arg = path.to_string_lossy().into_owned();
        let holder = lock_bookings(&db);
        let (child, _) = audit_waiting_on_a_lock(
            &db,
            &["--format", "json", "--output", &path_arg, "--jobs", "2"],
        );
        crate::support::send_signal(&child, signal);
        let output = child.wait_with_output().expect("the audit ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "SIG{signal}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("interrupted by"), "{stderr}");
        assert!(stderr.contains("run it again"), "{stderr}");
        let files: Vec<_> = std::fs::read_dir(out.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(files, ["report.json"], "only the report, no temporary file");
        let report = crate::support::report::parse(&std::fs::read_to_string(&path).expect("read"));
        assert_eq!(report.verdict, "error");
        // The lock is still held: a backend left in its queue would wait the whole 60 s
        // lock timeout. The audit cancelled it on the server before exiting.
        for _ in 0..20 {
            if connections_of_the_audit(&db) == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert_eq!(
            connections_of_the_audit(&db),
            0,
            "SIG{signal}: a backend of the audit is still queued on the lock"
        );
        drop(holder); // closing the session releases the lock
    }
}

/// The server ends the audit's connection in the middle of a query (an administrator's
/// pg_terminate_backend, a failover): every check that needed it is an error, exit 2.
#[test]
fn a_connection_terminated_mid_run_is_exit_2() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    let holder = lock_bookings(&db);
    let (child, pid) = audit_waiting_on_a_lock(&db, &["--format", "json", "--jobs", "1"]);
    db.client()
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .expect("terminate");
    let output = child.wait_with_output().expect("the audit ends");
    drop(holder); // closing the session releases the lock
    let run = crate::support::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report.verdict, "error");
    let errors: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == "error")
        .map(|c| c.summary.as_str())
        .collect();
    assert!(!errors.is_empty());
    assert!(
        report.checks.iter().all(|c| c.status != "pass"
            || !["coverage", "make-required-readiness", "status-vocabulary"]
                .contains(&c.id.as_str())),
        "no check that reads the bookings may pass on a dead connection"
    );
    assert!(
        errors
            .iter()
            .any(|s| s.contains("terminat") || s.contains("connection")),
        "{errors:?}"
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// The URL requires TLS; this build does not speak it, so the audit refuses rather than
/// connecting in clear text, and says what to do.
#[test]
fn tls_required_by_the_url_is_used_never_clear_text() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    // The machine's server offers TLS (Debian's snakeoil certificate): require encrypts without
    // verifying, as libpq does; verify-full without a CA says where to give one.
    let url = format!("{}?sslmode=require", db.url());
    let run = check(&url, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let url = format!("{}?sslmode=verify-full", db.url());
    let run = check(&url, &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("sslrootcert"), "{}", run.stderr);
    assert_eq!(run.json().verdict, "error");
    assert_eq!(connections_of_the_audit(&db), 0);
}

/// What an audit could change: every table's contents and the server's own write counters.
fn pg_fingerprint(db: &PgDb) -> Vec<String> {
    let mut client = db.client();
    client
        .batch_execute("SELECT pg_stat_clear_snapshot()")
        .expect("fresh statistics");
    let mut seen: Vec<String> = client
        .query(
            "SELECT relname || ' ins=' || n_tup_ins || ' upd=' || n_tup_upd || ' del=' || n_tup_del
             FROM pg_stat_user_tables ORDER BY relname",
            &[],
        )
        .expect("read statistics")
        .iter()
        .map(|r| r.get(0))
        .collect();
    for table in [
        "bookings_booking",
        "services_servicesession",
        "services_service",
        "services_servicetype",
        "django_migrations",
    ] {
        let sum: Option<String> = client
            .query_one(
                &format!("SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} AS t"),
                &[],
            )
            .expect("checksum")
            .get(0);
        seen.push(format!("{table} md5={sum:?}"));
    }
    let relations: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace",
            &[],
        )
        .expect("count relations")
        .get(0);
    seen.push(format!("relations={relations}"));
    seen
}

/// Every check runs under a role that may only SELECT and whose transactions are read-only by
/// default, with several connections on one exported snapshot, and gives the report a
/// superuser gets; nothing in the database moved.
#[test]
fn a_select_only_read_only_role_audits_everything_and_writes_nothing() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .booking(11, Some(999), Some("cancelled"), None)
        .after("UPDATE services_servicesession SET current_participants = 7 WHERE id = 3")
        .create(&db);
    let role = format!("{}_reader", db.name());
    db.exec(&format!(
        "CREATE ROLE \"{role}\" LOGIN;
         GRANT USAGE ON SCHEMA public TO \"{role}\";
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{role}\";
         ALTER ROLE \"{role}\" SET default_transaction_read_only = on;"
    ));
    let reader_url = db.url().replacen("://postgres@", &format!("://{role}@"), 1);
    assert_ne!(reader_url, db.url(), "the test URL names its user");
    std::thread::sleep(std::time::Duration::from_millis(600)); // let the fixture's statistics land
    let before = pg_fingerprint(&db);
    let as_reader = check(&reader_url, &["--format", "json", "--jobs", "3"]);
    let as_owner = check(&db.url(), &["--format", "json", "--jobs", "3"]);
    std::thread::sleep(std::time::Duration::from_millis(600));
    let after = pg_fingerprint(&db);
    db.exec(&format!("DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\";"));
    assert_eq!(as_reader.code, 1, "{}", as_reader.stderr);
    let (reader, owner) = (as_reader.json(), as_owner.json());
    assert!(
        reader.checks.iter().all(|c| c.status != "error"),
        "{}",
        as_reader.stdout
    );
    assert_eq!(reader.checks.len(), 15);
    for (r, o) in reader.checks.iter().zip(&owner.checks) {
        assert_eq!(
            (&r.id, &r.status, &r.summary),
            (&o.id, &o.status, &o.summary)
        );
    }
    assert_eq!(before, after, "the audit changed the database");
}

/// The URL with its port replaced by 1, where nothing listens.
fn refused_port(url: &str) -> String {
    let mut url = url::Url::parse(url).expect("a test URL parses");
    url.set_port(Some(1)).expect("a server URL takes a port");
    url.to_string()
}

/// A sentinel password in the URL never reaches any output: not stdout, stderr (the log at
/// -vv included) or the report file, in any format, on a clean run or on any error path. (The machine's server trusts local
/// connections, so the URL's password is carried through the whole audit without being needed.)
#[test]
fn the_password_never_appears_in_any_output_or_error() {
    const SENTINEL: &str = "S3ntinel-pw-leak";
    let Some(db) = PgDb::new() else { return };
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&db);
    let url = db
        .url()
        .replacen("://postgres@", &format!("://postgres:{SENTINEL}@"), 1);
    assert!(url.contains(SENTINEL));
    let bad_config = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(bad_config.path(), "[tables]\nbookings = 5\n").expect("write");
    let bad_config = bad_config.path().to_string_lossy().into_owned();
    let scenarios: Vec<(&str, String, Vec<&str>, i32)> = vec![
        ("clean run", url.clone(), vec![], 1),
        (
            "missing table",
            url.clone(),
            vec!["--bookings-table", "no_such_table"],
            2,
        ),
        ("bad config", url.clone(), vec!["--config", &bad_config], 2),
        (
            "TLS verified without a CA",
            format!("{url}?sslmode=verify-full"),
            vec![],
            2,
        ),
        (
            "unknown parameter",
            format!("{url}?no_such_parameter=1"),
            vec![],
            2,
        ),
        (
            "refused",
            // Whatever port the server under test listens on, nothing listens on port 1.
            refused_port(&url),
            vec![],
            2,
        ),
        (
            "no such database",
            url.replacen(db.name(), "sa_no_such_db", 1),
            vec![],
            2,
        ),
    ];
    for (what, url, extra, code) in &scenarios {
        for format in ["table", "csv", "json"] {
            let dir = tempfile::tempdir().expect("temp dir");
            let file = dir.path().join("report.out");
            let file_arg = file.to_string_lossy().into_owned();
            for to_file in [false, true] {
                let mut args = vec!["--format", format];
                args.extend(extra.iter().copied());
                if to_file {
                    // The log at its most detailed: every step, every query.
                    args.extend(["--output", &file_arg, "-vv"]);
                }
                let run = check(url, &args);
                assert_eq!(run.code, *code, "{what}, {format}: {}", run.stderr);
                let written = std::fs::read_to_string(&file).unwrap_or_default();
                for (stream, text) in [
                    ("stdout", &run.stdout),
                    ("stderr", &run.stderr),
                    ("file", &written),
                ] {
                    assert!(
                        !text.contains(SENTINEL),
                        "{what}, {format}: the password is in {stream}:\n{text}"
                    );
                }
                if to_file && *code == 1 {
                    assert!(
                        run.stderr.contains("DEBUG"),
                        "{what}: -vv logs: {}",
                        run.stderr
                    );
                }
                if format == "json" && !to_file {
                    let report = run.json();
                    assert!(
                        report.database.url.contains("***") || report.database.url.is_empty(),
                        "{what}: {}",
                        report.database.url
                    );
                }
            }
        }
    }
}

/// The password can stay off the command line: PGPASSWORD, a password file, or the URL in a
/// file. A password file others can read is ignored with a warning, as libpq does; a password
/// on the command line works with a warning.
#[test]
fn the_password_can_come_from_pgpassword_pgpass_or_a_url_file() {
    let Some(cluster) = PgCluster::start("file-pw") else {
        return;
    };
    let with_password = cluster.url("file-pw");
    let without = with_password.replacen(":file-pw@", "@", 1);
    assert_ne!(without, with_password);
    let no_tables = |run: &crate::support::Run| run.stdout.contains("does not exist");

    let run = crate::support::run(crate::support::bin().env("PGPASSWORD", "file-pw").args([
        "check",
        "--format",
        "json",
        "--database-url",
        &without,
    ]));
    assert!(no_tables(&run), "PGPASSWORD: {}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);

    let dir = tempfile::tempdir().expect("temp dir");
    let pgpass = dir.path().join("pgpass");
    std::fs::write(
        &pgpass,
        "# host:port:db:user:password\n*:*:*:postgres:file-pw\n",
    )
    .expect("write");
    let mode = |m| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(m)).expect("chmod");
    };
    mode(0o600);
    let with_file = || {
        crate::support::run(crate::support::bin().env("PGPASSFILE", &pgpass).args([
            "check",
            "--format",
            "json",
            "--database-url",
            &without,
        ]))
    };
    let run = with_file();
    assert!(no_tables(&run), ".pgpass: {}", run.stderr);
    mode(0o644);
    let run = with_file();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("has group or world access and is ignored"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("password authentication failed") || run.stderr.contains("password"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("file-pw"), "{}", run.stderr);

    let url_file = dir.path().join("url");
    std::fs::write(&url_file, format!("{with_password}\n")).expect("write");
    let run = crate::support::run(crate::support::bin().args([
        "check",
        "--format",
        "json",
        "--database-url-file",
        &url_file.to_string_lossy(),
    ]));
    assert!(no_tables(&run), "--database-url-file: {}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(!run.stdout.contains("file-pw") && !run.stderr.contains("file-pw"));

    let run = check(&with_password, &["--format", "json"]);
    assert!(no_tables(&run));
    assert!(
        run.stderr
            .contains("warning: the password in --database-url is visible to other users"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("file-pw"));

    let missing = dir.path().join("no-such-file");
    let run = crate::support::run(crate::support::bin().args([
        "check",
        "--database-url-file",
        &missing.to_string_lossy(),
    ]));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the database URL from"),
        "{}",
        run.stderr
    );
}

/// Watches pg_stat_activity from another thread and keeps the most client connections the
/// tool held at once on the test's database (parallel workers are the server's, not counted).
struct ConnectionSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<i64>,
}

impl ConnectionSampler {
    fn start(db: &PgDb) -> Self {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (flag, mut client, name) = (stop.clone(), db.client(), db.name().to_owned());
        let thread = std::thread::spawn(move || {
            let mut most = 0;
            while !flag.load(Ordering::Relaxed) {
                let now: i64 = client
                    .query_one(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'session-audit' AND backend_type = 'client backend'",
                        &[&name],
                    )
                    .expect("sample")
                    .get(0);
                most = most.max(now);
            }
            most
        });
        ConnectionSampler { stop, thread }
    }

    /// Stops sampling; the most connections seen.
    fn stop(self) -> i64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().expect("sampler")
    }
}

/// Twenty audits at once on one database all give the same report, and the tool never holds
/// more connections than `--jobs` allows (sampled from pg_stat_activity while they run); every
/// connection is closed when they end.
#[test]
fn twenty_concurrent_audits_agree_and_stay_within_their_connections() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .create(&db);
    // Enough rows that the audits overlap.
    db.exec(
        "INSERT INTO bookings_booking (id, service_id, service_session_id, status, start_time, end_time)
         SELECT 1000 + g, 1, 1, 'confirmed', NULL, NULL FROM generate_series(1, 200000) AS g;
         ANALYZE;",
    );
    let sampler = ConnectionSampler::start(&db);
    let jobs = 2;
    let children: Vec<_> = (0..20)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("session-audit"))
                .env_remove("DATABASE_URL")
                .args(["check", "--database-url", &db.url(), "--format", "json"])
                .args(["--jobs", &jobs.to_string()])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start an audit")
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("an audit ends"))
        .collect();
    let most = sampler.stop();
    let first = &outputs[0];
    assert_eq!(
        first.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    for output in &outputs {
        assert_eq!(output.status.code(), first.status.code());
        assert_eq!(
            without_time(&String::from_utf8_lossy(&output.stdout)),
            without_time(&String::from_utf8_lossy(&first.stdout)),
            "every audit gives the same report"
        );
    }
    assert!(most > 0, "the sampler saw the audits");
    assert!(
        most <= 20 * jobs,
        "{most} connections for 20 audits with --jobs {jobs}"
    );
    assert_eq!(connections_of_the_audit(&db), 0, "connections left open");

    // One audit alone: never more than its --jobs.
    let sampler = ConnectionSampler::start(&db);
    let run = check(&db.url(), &["--format", "json", "--jobs", "3"]);
    let most = sampler.stop();
    assert_eq!(run.code, 1);
    assert!((1..=3).contains(&most), "{most} connections with --jobs 3");
}

/// A column of an unexpected type (service_session_id as text, as a hand-made migration might
/// leave it): the checks that compare it fail with the server's reason, exit 2, never pass.
#[test]
fn a_column_of_an_unexpected_type_is_exit_2() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    db.exec("ALTER TABLE bookings_booking ALTER COLUMN service_session_id TYPE text");
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report.verdict, "error");
    let dangling = report.check("dangling-session");
    assert_eq!(dangling.status, "error");
    assert!(
        dangling.summary.contains("operator does not exist"),
        "{}",
        dangling.summary
    );
    assert!(!run.stderr.contains("panicked"));
}

/// `explain` on PostgreSQL: the planner's total cost for every query of every check.
#[test]
fn explain_gives_the_planners_cost_per_query() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    let out =
        crate::support::run(crate::support::bin().args(["explain", "--database-url", &db.url()]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("booking_join.postgres.sql"),
        "{}",
        out.stdout
    );
    let costed = out.stdout.lines().filter(|l| l.contains(" cost ")).count();
    assert!(costed >= 20, "{}", out.stdout);
    assert!(!out.stdout.contains("cannot plan"), "{}", out.stdout);
}

/// `explain` plans under the parallel workers the audit would run with: none on the default
/// two connections, the server's with `--parallel-workers server` or on one connection.
/// Parallel plans are made free for this database, so on the small fixture the planner's
/// estimate drops whenever it may use workers (explain prints the top node, which is the
/// same aggregate either way, and the cost).
#[test]
fn explain_plans_with_the_audits_parallel_workers() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    db.exec(&format!(
        "ALTER DATABASE \"{0}\" SET parallel_setup_cost = 0;
         ALTER DATABASE \"{0}\" SET parallel_tuple_cost = 0;
         ALTER DATABASE \"{0}\" SET min_parallel_table_scan_size = 0;
         ALTER DATABASE \"{0}\" SET max_parallel_workers_per_gather = 2;",
        db.name()
    ));
    let cost = |args: &[&str]| -> f64 {
        let out = crate::support::run(
            crate::support::bin()
                .args([&["explain", "--database-url", &db.url(), "--only"], args].concat()),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
            .lines()
            .find(|l| l.contains("type_distribution.postgres.sql"))
            .and_then(|l| l.split("cost ").nth(1))
            .and_then(|c| c.split(',').next())
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("{}", out.stdout))
    };
    let two_checks = "type-distribution,duplicate-times";
    let serial = cost(&[two_checks]);
    let server = cost(&[two_checks, "--parallel-workers", "server"]);
    assert!(server < serial, "with workers {server}, without {serial}");
    // One check runs on one connection: the server's workers, unless told otherwise.
    assert_eq!(cost(&["type-distribution"]), server);
    assert_eq!(cost(&[two_checks, "--jobs", "1"]), server);
    assert_eq!(
        cost(&["type-distribution", "--parallel-workers", "0"]),
        serial
    );
}

/// A check that runs longer than a second shows a progress line on a terminal (here a
/// pseudo-terminal from `script`), and nothing when stderr is piped.
#[test]
fn slow_checks_show_progress_on_a_terminal_only() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().create(&db);
    db.exec(
        "ALTER TABLE services_servicesession RENAME TO sessions_real;
         CREATE VIEW services_servicesession AS SELECT s.* FROM sessions_real s, pg_sleep(1.6) AS pause;",
    );
    let bin = assert_cmd::cargo::cargo_bin("session-audit");
    let out = tempfile::tempdir().expect("temp dir");
    let command = format!(
        "{} check --database-url {} --only type-distribution --format json --output {}",
        bin.display(),
        db.url(),
        out.path().join("report.json").display()
    );
    let typescript = tempfile::NamedTempFile::new().expect("temp");
    let on_terminal = std::process::Command::new("script")
        .args(["-qec", &command])
        .arg(typescript.path())
        .stdout(std::process::Stdio::null())
        .status();
    match on_terminal {
        Ok(status) => {
            assert_eq!(status.code(), Some(0));
            let seen = std::fs::read_to_string(typescript.path()).expect("typescript");
            assert!(seen.contains("running: type-distribution 1 s"), "{seen:?}");
            assert!(
                seen.ends_with("\r\u{1b}[2K") || seen.contains("\r\u{1b}[2K"),
                "the line is erased"
            );
        }
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "script (util-linux) is required in CI: {e}"
            );
            eprintln!("SKIPPED: progress on a terminal, no `script` ({e})");
        }
    }
    let piped = check(
        &db.url(),
        &["--only", "type-distribution", "--format", "json"],
    );
    assert_eq!(piped.code, 0);
    assert_eq!(
        piped.stderr, "",
        "no progress when stderr is not a terminal"
    );
}

/// explain on a database without django_migrations: the check that needs it is skipped, the
/// query that reads it only when present is not planned, and no failure poisons the others
/// (each plan runs in a savepoint of its own). Before, one failed plan aborted the transaction
/// and every later one answered "current transaction is aborted".
#[test]
fn explain_plans_every_query_it_can_and_one_failure_poisons_nothing() {
    let Some(db) = PgDb::new() else { return };
    Fixture::clean().without_migrations_table().create(&db);
    let out =
        crate::support::run(crate::support::bin().args(["explain", "--database-url", &db.url()]));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("skipped: there is no table \"django_migrations\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("not planned: there is no table django_migrations"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("aborted"), "{}", out.stdout);
    // A query that fails to plan fails only itself: a duration stored as text passes the
    // schema pre-flight (the column is there) but not the planner's type check.
    db.exec("ALTER TABLE services_servicesession ALTER COLUMN duration TYPE text");
    let out =
        crate::support::run(crate::support::bin().args(["explain", "--database-url", &db.url()]));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stdout.contains("cannot plan"), "{}", out.stdout);
    assert_eq!(
        out.stdout.matches("cannot plan").count(),
        2,
        "session-time-range's two queries only: {}",
        out.stdout
    );
    assert!(!out.stdout.contains("aborted"), "{}", out.stdout);
    assert!(!out.stdout.contains("abandoned"), "{}", out.stdout);
    assert!(
        out.stdout.contains("cost "),
        "the other queries are still planned: {}",
        out.stdout
    );
}
