//! The clients an operator feeds our scripts to (`psql -f`, `sqlite3 db < file`,
//! `mysql db < file`, Python's `executescript`), run as the operator types them.

use std::path::Path;
use std::process::Command;

use super::{Backend, TestDb};

/// The clients the README's client matrix names.
#[derive(Debug, Clone, Copy)]
pub enum Client {
    Sqlite3,
    Sqlite3Bail,
    PythonExecutescript,
    Psql,
    PsqlOnErrorStop,
    Mysql,
    MysqlForce,
    Mariadb,
}

/// Whether this client is on the machine: missing is a failure in CI, a printed skip elsewhere.
pub fn available(program: &str) -> bool {
    let found = Command::new(program).arg("--version").output().is_ok();
    if !found {
        crate::support::pg::unavailable(program, "not on PATH");
    }
    found
}

/// Runs `script` through `client` against `db`, as the operator would type it.
pub fn apply(client: Client, db: &dyn TestDb, script: &Path) -> std::process::Output {
    command(client, db, script, false).output().unwrap()
}

/// Runs a read-only `script` as its header says to: SQLite's file opened with `-readonly`.
pub fn read(client: Client, db: &dyn TestDb, script: &Path) -> std::process::Output {
    command(client, db, script, true).output().unwrap()
}

fn command(client: Client, db: &dyn TestDb, script: &Path, read_only: bool) -> Command {
    let stdin = || std::fs::File::open(script).unwrap();
    let url = db.url();
    let mysql = |program: &str, force: bool| {
        let parsed = url::Url::parse(&url).unwrap();
        let mut cmd = Command::new(program);
        cmd.arg("-h")
            .arg(parsed.host_str().unwrap())
            .arg("-P")
            .arg(parsed.port().unwrap_or(3306).to_string())
            .arg("-u")
            .arg(parsed.username());
        if force {
            cmd.arg("--force");
        }
        cmd.arg(parsed.path().trim_start_matches('/'))
            .stdin(stdin());
        cmd
    };
    match client {
        Client::Sqlite3 | Client::Sqlite3Bail => {
            let mut cmd = Command::new("sqlite3");
            if matches!(client, Client::Sqlite3Bail) {
                cmd.arg("-bail");
            }
            if read_only {
                cmd.arg("-readonly");
            }
            cmd.arg(&url).stdin(stdin());
            cmd
        }
        Client::PythonExecutescript => {
            let mut cmd = Command::new("python3");
            cmd.args([
                "-c",
                "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\ntry:\n    c.executescript(open(sys.argv[2]).read())\nfinally:\n    c.close()",
                &url,
            ])
            .arg(script);
            cmd
        }
        Client::Psql | Client::PsqlOnErrorStop => {
            let mut cmd = Command::new("psql");
            cmd.args(["-X", "-q"]);
            if matches!(client, Client::PsqlOnErrorStop) {
                cmd.args(["-v", "ON_ERROR_STOP=1"]);
            }
            cmd.arg("-f").arg(script).arg(&url);
            cmd
        }
        Client::Mysql => mysql("mysql", false),
        Client::MysqlForce => mysql("mysql", true),
        Client::Mariadb => mysql("mariadb", false),
    }
}

pub fn program(client: Client) -> &'static str {
    match client {
        Client::Sqlite3 | Client::Sqlite3Bail => "sqlite3",
        Client::PythonExecutescript => "python3",
        Client::Psql | Client::PsqlOnErrorStop => "psql",
        Client::Mysql | Client::MysqlForce => "mysql",
        Client::Mariadb => "mariadb",
    }
}

/// Every booking's session and every session's shape, through the backend's own client.
pub fn dump(db: &dyn TestDb) -> String {
    let sql = "SELECT 'b', id, coalesce(service_session_id, 0), status FROM bookings_booking \
               UNION ALL SELECT 's', id, current_participants, session_type FROM service_sessions \
               ORDER BY 1, 2;";
    let url = db.url();
    let out = match db.backend() {
        Backend::Sqlite => Command::new("sqlite3").arg(&url).arg(sql).output(),
        Backend::Postgres => Command::new("psql")
            .args(["-X", "-A", "-t", "-c", sql, &url])
            .output(),
        Backend::Mysql => {
            let parsed = url::Url::parse(&url).unwrap();
            Command::new("mysql")
                .args([
                    "-N",
                    "-h",
                    parsed.host_str().unwrap(),
                    "-u",
                    parsed.username(),
                ])
                .arg(parsed.path().trim_start_matches('/'))
                .args(["-e", sql])
                .output()
        }
    }
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).replace('\t', "|")
}
