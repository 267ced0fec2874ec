//! Test support: the real binary, throwaway databases, and the JSON report read back into types.
//!
//! Every test gets its own database: a SQLite file in a temporary directory, or a PostgreSQL
//! database created on the machine's server and dropped when the test ends. A test that needs
//! PostgreSQL fails when the server is missing and `CI` is set; elsewhere it prints why it
//! skips.

#![allow(dead_code)]

pub mod certs;
pub mod clients;
pub mod django;
pub mod fixture;
pub mod mysql;
pub mod pg;
pub mod report;
pub mod standby;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub use fixture::Fixture;
pub use report::JsonReport;

/// `session-audit` with a clean environment: no DATABASE_URL or NO_COLOR from the developer.
pub fn bin() -> Command {
    let mut cmd = Command::cargo_bin("session-audit").expect("the binary is built by cargo test");
    cmd.env_remove("DATABASE_URL")
        .env_remove("NO_COLOR")
        .env_remove("PGPASSWORD")
        .env_remove("COLUMNS")
        .env_remove("GITHUB_ACTIONS");
    cmd
}

/// The result of one run: exit code and both streams as text.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout as a JSON report, validated against docs/report.schema.json.
    pub fn json(&self) -> JsonReport {
        let value: serde_json::Value = serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        });
        report::validate(&value);
        serde_json::from_value(value).unwrap_or_else(|e| {
            panic!(
                "stdout is not a JSON report ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `check` against `url` with extra arguments.
pub fn check(url: &str, args: &[&str]) -> Run {
    run(bin().arg("check").arg("--database-url").arg(url).args(args))
}

/// Sends `signal` (`INT`, `TERM`) to a running audit, as Ctrl-C or a CI runner would.
pub fn send_signal(child: &std::process::Child, signal: &str) {
    let sent = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -{signal} failed");
}

/// A database name no other test (or test run) uses: process, counter, nanoseconds.
pub fn unique_db_name() -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    format!(
        "sa_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    )
}

/// Starts a test server on a port the kernel has just handed out and released. Between the
/// release and the server's bind, any client's connection may take that port as its own local
/// port (the CI matrix lost a server so once): `start(port)` returns the server, or its log
/// when it did not start, and a start refused because the port was taken is tried again on
/// another port, twice. Any other failure is the test's failure, with the log.
pub fn on_free_port<T>(what: &str, mut start: impl FnMut(u16) -> Result<T, String>) -> T {
    let mut last = String::new();
    for _ in 0..3 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        match start(port) {
            Ok(server) => return server,
            Err(log) if port_taken(&log) => last = log,
            Err(log) => panic!("{what} did not start: {log}"),
        }
    }
    panic!("{what} did not start on three free ports, each taken: {last}")
}

/// What PostgreSQL ("could not bind ... Address already in use") and MariaDB ("Can't start
/// server: Bind on TCP/IP port: Address already in use") log when their port is taken.
fn port_taken(log: &str) -> bool {
    log.contains("Address already in use")
}

/// `admin` (a server URL ending in a database) pointed at database `name` instead.
pub fn with_database(admin: &str, name: &str) -> String {
    match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("admin URL {admin} has no database part"),
    }
}

/// A database a test owns, on any backend.
pub trait TestDb {
    fn url(&self) -> String;
    fn exec(&self, sql: &str);
    fn backend(&self) -> Backend;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

/// A SQLite file in its own temporary directory.
pub struct SqliteDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl SqliteDb {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db.sqlite3");
        let db = SqliteDb { dir, path };
        db.exec("PRAGMA journal_mode = DELETE");
        db
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl TestDb for SqliteDb {
    fn url(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }

    fn exec(&self, sql: &str) {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let mut conn =
            diesel::SqliteConnection::establish(&self.url()).expect("open test SQLite file");
        conn.batch_execute(sql)
            .unwrap_or_else(|e| panic!("SQLite fixture failed: {e}\n{sql}"));
    }

    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
}
