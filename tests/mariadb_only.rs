//! MariaDB specifics: MyISAM without foreign keys, its own time limits, and connection failures.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;

use crate::support::mysql::{MysqlDb, admin_url, run_statements, runtime};
use crate::support::{Fixture, TestDb, check};

#[test]
fn myisam_tables_can_hold_dangling_references() {
    let Some(db) = MysqlDb::new() else { return };
    Fixture::clean()
        .bookings_engine("MyISAM")
        .booking(
            10,
            Some(4242),
            Some("confirmed"),
            Some("2025-02-01T10:00:00Z"),
        )
        .create(&db);
    let run = check(&db.url(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let dangling = report.check("dangling-session");
    assert_eq!(dangling.status, "fail");
    assert_eq!(
        dangling.rows_of(&["service_session_id", "bookings"]),
        ["4242 1"]
    );
    assert_eq!(dangling.sample_ids, [10]);
    assert_eq!(report.database.backend.as_deref(), Some("mysql"));
}

/// A write attempted inside the audit's transaction is refused by the server, and the
/// session runs with the limits asked for. Views call stored functions, which (unlike a view
/// body) may touch tables and read session variables. MariaDB refuses the writing view as
/// early as describing it, and its information_schema then skips the view with only a
/// warning: the audit must pass that refusal on, not claim the table is missing.
#[test]
fn the_audit_transaction_refuses_writes_and_carries_its_limits() {
    let Some(db) = MysqlDb::new() else { return };
    Fixture::clean()
        .after("CREATE TABLE write_probe (id int)")
        .after(
            "CREATE FUNCTION try_write() RETURNS INT MODIFIES SQL DATA \
             BEGIN INSERT INTO write_probe VALUES (1); RETURN 0; END",
        )
        .after("RENAME TABLE services_servicesession TO sessions_real")
        .after("CREATE VIEW services_servicesession AS SELECT s.* FROM sessions_real s WHERE try_write() = 0")
        .after(
            "CREATE FUNCTION session_settings() RETURNS VARCHAR(200) READS SQL DATA \
             RETURN CONCAT(@@session.max_statement_time, '/', @@session.time_zone, '/', @@session.lock_wait_timeout)",
        )
        .after("RENAME TABLE bookings_booking TO bookings_real")
        .after(
            "CREATE VIEW bookings_booking AS SELECT id, service_id, NULL AS service_session_id, \
             session_settings() AS status, start_time, end_time FROM bookings_real WHERE id = 1",
        )
        .create(&db);
    let run = check(
        &db.url(),
        &[
            "--format",
            "json",
            "--only",
            "coverage,type-distribution",
            "--statement-timeout",
            "42s",
            "--lock-timeout",
            "3s",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    let report = run.json();
    let types = report.check("type-distribution");
    assert_eq!(types.status, "error");
    assert!(
        types.summary.contains("READ ONLY transaction"),
        "{}",
        types.summary
    );
    assert_eq!(
        report.check("coverage").rows_of(&["status"]),
        ["\"42.000000/+00:00/3\""]
    );
    let mut written = 0;
    runtime().block_on(async {
        let mut conn = mysql_async::Conn::from_url(db.url())
            .await
            .expect("connect");
        written = conn
            .query_first::<i64, _>("SELECT COUNT(*) FROM write_probe")
            .await
            .expect("count")
            .unwrap_or(-1);
    });
    assert_eq!(written, 0, "nothing was written");
}

#[test]
fn statement_timeout_is_an_error_with_exit_2() {
    let Some(db) = MysqlDb::new() else { return };
    Fixture::clean()
        .after("RENAME TABLE services_servicesession TO sessions_real")
        .after("CREATE VIEW services_servicesession AS SELECT s.* FROM sessions_real s WHERE SLEEP(3) = 0")
        .create(&db);
    let started = Instant::now();
    let run = check(
        &db.url(),
        &[
            "--format",
            "json",
            "--statement-timeout",
            "300ms",
            "--only",
            "coverage,type-distribution",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    let report = run.json();
    let types = report.check("type-distribution");
    assert_eq!(types.status, "error");
    assert!(
        types.summary.contains("statement timeout of 300ms"),
        "{}",
        types.summary
    );
    assert_eq!(
        report.check("coverage").status,
        "pass",
        "a timed-out check costs only itself"
    );
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn lock_timeout_is_an_error_with_exit_2() {
    let Some(db) = MysqlDb::new() else { return };
    Fixture::clean().create(&db);
    let (locked_tx, locked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let url = db.url();
    let holder = std::thread::spawn(move || {
        runtime().block_on(async {
            let mut conn = mysql_async::Conn::from_url(url).await.expect("connect");
            conn.query_drop("LOCK TABLES bookings_booking WRITE")
                .await
                .expect("lock");
            locked_tx.send(()).expect("signal");
            let _ = tokio::task::spawn_blocking(move || release_rx.recv()).await;
            conn.query_drop("UNLOCK TABLES").await.expect("unlock");
        });
    });
    locked_rx.recv().expect("the lock is held");
    let run = check(
        &db.url(),
        &[
            "--format",
            "json",
            "--lock-timeout",
            "1s",
            "--only",
            "coverage",
        ],
    );
    release_tx.send(()).expect("release");
    holder.join().expect("the lock holder ends");
    assert_eq!(run.code, 2, "{}", run.stdout);
    let coverage = run.json();
    let coverage = coverage.check("coverage");
    assert_eq!(coverage.status, "error");
    assert!(
        coverage.summary.contains("lock timeout of 1s"),
        "{}",
        coverage.summary
    );
}

#[test]
fn unreachable_server_is_exit_2_and_hides_the_password() {
    let run = check(
        "mysql://root:hunter2-sentinel@127.0.0.1:1/test",
        &["--format", "json"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot connect to MySQL/MariaDB at mysql://root:***@127.0.0.1:1/test: connection refused"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("hunter2-sentinel") && !run.stderr.contains("hunter2-sentinel"));
}

#[test]
fn wrong_password_is_exit_2_and_the_password_never_appears() {
    const SENTINEL: &str = "Sentinel-Pa55-wrong";
    let Some(db) = MysqlDb::new() else { return };
    let user = db.name().replace("sa_test_", "sa_u");
    run_statements(
        &admin_url(),
        &format!("CREATE USER '{user}'@'%' IDENTIFIED BY 'right-password'"),
    )
    .expect("create user");
    let url = |password: &str| {
        db.url()
            .replacen("mysql://root@", &format!("mysql://{user}:{password}@"), 1)
    };
    for format in ["table", "json", "csv"] {
        let run = check(&url(SENTINEL), &["--format", format]);
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert!(
            run.stderr.contains("authentication failed"),
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
    run_statements(&admin_url(), &format!("DROP USER '{user}'@'%'")).expect("drop user");
}

/// What an audit could change on MariaDB: every table's checksum and the tables there are.
fn mysql_fingerprint(db: &MysqlDb) -> Vec<String> {
    runtime().block_on(async {
            let mut conn = mysql_async::Conn::from_url(db.url())
                .await
                .expect("connect");
            let tables: Vec<String> = conn
                .query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name")
                .await
                .expect("list tables");
            let mut seen = Vec::new();
            for table in tables {
                let sum: Option<(String, Option<i64>)> = conn
                    .query_first(format!("CHECKSUM TABLE `{table}`"))
                    .await
                    .expect("checksum");
                seen.push(format!("{sum:?}"));
            }
            seen
        })
}

/// Every check runs as a user granted nothing but SELECT on the database, and gives the
/// report root gets; no table changed.
#[test]
fn a_select_only_user_audits_everything_and_writes_nothing() {
    let Some(db) = MysqlDb::new() else { return };
    Fixture::clean()
        .booking(10, None, Some("confirmed"), Some("2025-02-01T10:00:00Z"))
        .booking(11, Some(999), Some("cancelled"), None)
        .after("UPDATE services_servicesession SET current_participants = 7 WHERE id = 3")
        .create(&db);
    // User names are at most 80 characters on MariaDB (32 on MySQL): keep it short.
    let user = format!("sa_r{}", &db.name()[db.name().len().saturating_sub(12)..]);
    run_statements(
        &admin_url(),
        &format!(
            "CREATE USER '{user}'@'%' IDENTIFIED BY 'reader-pw';\nCREATE USER '{user}'@'localhost' IDENTIFIED BY 'reader-pw';\nGRANT SELECT ON `{0}`.* TO '{user}'@'%';\nGRANT SELECT ON `{0}`.* TO '{user}'@'localhost'",
            db.name()
        ),
    )
    .expect("create the reader");
    let reader_url = db
        .url()
        .replacen("://root@", &format!("://{user}:reader-pw@"), 1);
    assert_ne!(reader_url, db.url(), "the test URL names its user");
    let before = mysql_fingerprint(&db);
    let as_reader = check(&reader_url, &["--format", "json"]);
    let as_root = check(&db.url(), &["--format", "json"]);
    let after = mysql_fingerprint(&db);
    let _ = run_statements(
        &admin_url(),
        &format!("DROP USER '{user}'@'%';\nDROP USER '{user}'@'localhost'"),
    );
    assert_eq!(as_reader.code, 1, "{}", as_reader.stderr);
    let (reader, root) = (as_reader.json(), as_root.json());
    assert!(
        reader.checks.iter().all(|c| c.status != "error"),
        "{}",
        as_reader.stdout
    );
    assert_eq!(reader.checks.len(), 15);
    for (r, o) in reader.checks.iter().zip(&root.checks) {
        assert_eq!(
            (&r.id, &r.status, &r.summary),
            (&o.id, &o.status, &o.summary)
        );
    }
    assert!(!as_reader.stdout.contains("reader-pw") && !as_reader.stderr.contains("reader-pw"));
    assert_eq!(before, after, "the audit changed the database");
}

/// The URL requires TLS and the machine's server offers none: refused with the way out, never
/// clear text (in the clients' ssl-mode and in mysql_async's own require_ssl).
#[test]
fn tls_required_by_the_url_is_exit_2_never_clear_text() {
    let Some(db) = MysqlDb::new() else { return };
    Fixture::clean().create(&db);
    for query in [
        "ssl-mode=REQUIRED",
        "require_ssl=true",
        "ssl-mode=VERIFY_IDENTITY",
    ] {
        let run = check(&format!("{}?{query}", db.url()), &["--format", "json"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr
                .contains("TLS is required but the server does not offer it"),
            "{query}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert_eq!(run.json().verdict, "error");
    }
    // PREFERRED (the default) falls back to plaintext here, as the mysql client does.
    let run = check(&format!("{}?ssl-mode=PREFERRED", db.url()), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// `explain` on MariaDB: its row estimates per table for every query of every check.
#[test]
fn explain_gives_row_estimates_per_query() {
    let Some(db) = MysqlDb::new() else { return };
    Fixture::clean().create(&db);
    let out =
        crate::support::run(crate::support::bin().args(["explain", "--database-url", &db.url()]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("booking_join.mysql.sql"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(" rows"), "{}", out.stdout);
    assert!(!out.stdout.contains("cannot plan"), "{}", out.stdout);
}

/// The audit's statements running on the server for this database for at least `busy_ms`, as
/// the process list has them (prepared statements show as `Execute`).
fn audit_queries(rt: &tokio::runtime::Runtime, db: &MysqlDb, busy_ms: u64) -> usize {
    rt.block_on(async {
        let mut probe = mysql_async::Conn::from_url(admin_url()).await?;
        let rows: Vec<(u64,)> = probe
            .exec(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND IN ('Query', 'Execute') AND INFO NOT LIKE '%PROCESSLIST%' AND TIME_MS >= ?",
                (db.name(), busy_ms),
            )
            .await?;
        probe.disconnect().await?;
        Ok::<_, mysql_async::Error>(rows.len())
    })
    .expect("read the process list")
}

/// Starts a JSON audit of `db` with extra arguments, waits until one of its statements has
/// been on the server for `busy_ms`, sends SIGTERM, and returns whether every statement left
/// within `within`.
fn terminate_mid_query(
    rt: &tokio::runtime::Runtime,
    db: &MysqlDb,
    args: &[&str],
    busy_ms: u64,
    within: Duration,
) -> bool {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("session-audit"))
        .env_remove("DATABASE_URL")
        .args(["check", "--database-url", &db.url(), "--format", "json"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the audit");
    let started = Instant::now();
    let busy = loop {
        if audit_queries(rt, db, busy_ms) > 0 {
            break true;
        }
        if started.elapsed() > Duration::from_secs(10) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        busy,
        "no statement of the audit was ever seen on the server"
    );
    crate::support::send_signal(&child, "TERM");
    let output = child.wait_with_output().expect("the audit ends");
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let deadline = Instant::now() + within;
    loop {
        if audit_queries(rt, db, 0) == 0 {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// SIGTERM while the audit's query waits on a table lock: exit 2, and the query does not stay
/// behind on the server. (MariaDB 10.11 also notices the closed client in a lock wait, so this
/// passes without the KILL QUERY too; the next test is the one KILL QUERY is for.)
#[test]
fn an_interrupted_audit_leaves_no_query_on_the_server() {
    let Some(db) = MysqlDb::new() else { return };
    Fixture::clean().create(&db);
    let rt = runtime();
    let mut holder = rt
        .block_on(mysql_async::Conn::from_url(db.url()))
        .expect("holder connects");
    rt.block_on(holder.query_drop("LOCK TABLES bookings_booking WRITE"))
        .expect("lock");
    let gone = terminate_mid_query(
        &rt,
        &db,
        &["--lock-timeout", "60s"],
        200,
        Duration::from_secs(2),
    );
    rt.block_on(holder.query_drop("UNLOCK TABLES"))
        .expect("unlock");
    let _ = rt.block_on(holder.disconnect());
    assert!(
        gone,
        "the audit's query is still on the server after SIGTERM"
    );
}

/// SIGTERM while a query is busy executing (the booking join over 4M bookings): MariaDB does
/// not notice a closed client until it writes the result, so only the KILL QUERY the tool
/// sends on a second connection stops it. SIGTERM goes once a statement has run for a second;
/// it must be gone within one more, where the join alone takes about 3.5 s here (measured by
/// hand; without the KILL QUERY this test fails).
#[test]
fn an_interrupted_busy_query_is_killed_on_the_server() {
    let Some(db) = MysqlDb::new() else { return };
    Fixture::clean()
        .bookings_engine("MyISAM") // faster to fill than InnoDB (this test: 23 s against 35 s)
        .session(
            10,
            2,
            Some("workshop"),
            Some("public"),
            Some("2025-02-01T10:00:00Z"),
        )
        .booking(
            10,
            Some(10),
            Some("confirmed"),
            Some("2025-02-01T10:00:00Z"),
        )
        .create(&db);
    // 2^22 bookings by doubling (MariaDB caps recursive CTEs at 1,000 iterations here).
    let mut sql = String::new();
    for _ in 0..22 {
        sql.push_str(
            "INSERT INTO bookings_booking (service_id, service_session_id, status, start_time) \
             SELECT service_id, service_session_id, status, start_time FROM bookings_booking;\n",
        );
    }
    db.exec(&sql);
    let rt = runtime();
    let gone = terminate_mid_query(&rt, &db, &[], 1000, Duration::from_secs(1));
    assert!(
        gone,
        "the busy query is still executing on the server after SIGTERM"
    );
}
