//! MariaDB/MySQL for tests: a fresh database per test on the machine's server, dropped on drop.

use mysql_async::prelude::Queryable;

use super::pg::unavailable;
use super::{Backend, TestDb};

/// Where the machine's server is; override with SESSION_AUDIT_TEST_MYSQL.
pub fn admin_url() -> String {
    std::env::var("SESSION_AUDIT_TEST_MYSQL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// A runtime for the async MariaDB client in synchronous tests.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Runs statements one at a time (the client sends one statement per query).
pub fn run_statements(url: &str, sql: &str) -> Result<(), mysql_async::Error> {
    runtime().block_on(async {
        let mut conn = mysql_async::Conn::from_url(url).await?;
        for statement in sql.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
            conn.query_drop(statement).await?;
        }
        conn.disconnect().await
    })
}

pub struct MysqlDb {
    name: String,
    admin: String,
}

impl MysqlDb {
    pub fn new() -> Option<Self> {
        let admin = admin_url();
        let name = super::unique_db_name();
        if let Err(e) = run_statements(&admin, &format!("CREATE DATABASE `{name}`")) {
            unavailable("MariaDB/MySQL", &format!("{admin}: {e}"));
            return None;
        }
        Some(MysqlDb { name, admin })
    }
}

impl MysqlDb {
    /// The database's name, e.g. to find its sessions in the server's tables.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl TestDb for MysqlDb {
    fn url(&self) -> String {
        super::with_database(&self.admin, &self.name)
    }

    fn exec(&self, sql: &str) {
        run_statements(&self.url(), sql)
            .unwrap_or_else(|e| panic!("MariaDB fixture failed: {e}\n{sql}"));
    }

    fn backend(&self) -> Backend {
        Backend::Mysql
    }
}

impl Drop for MysqlDb {
    fn drop(&mut self) {
        let _ = run_statements(
            &self.admin,
            &format!("DROP DATABASE IF EXISTS `{}`", self.name),
        );
    }
}

/// A MariaDB server of its own that accepts TLS only (`require_secure_transport`), with the
/// test's throwaway certificate, on a free port of 127.0.0.1 and a socket in a temporary
/// directory; a user `audit` with `password` and a database `test`. Stopped on drop.
pub struct TlsOnlyServer {
    dir: tempfile::TempDir,
    child: std::process::Child,
    pub port: u16,
}

impl TlsOnlyServer {
    pub fn start(certs: &super::certs::Certs, password: &str) -> Option<Self> {
        use std::process::Command;
        let found = ["mariadb-install-db", "mariadb", "mariadb-admin"]
            .iter()
            .all(|p| Command::new(p).arg("--version").output().is_ok());
        if !found || !std::path::Path::new("/usr/sbin/mariadbd").exists() {
            unavailable(
                "MariaDB's server programs",
                "mariadb-install-db or mariadbd not found",
            );
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("sa-mariadb-")
            .tempdir()
            .expect("temp dir");
        let data = dir.path().join("data");
        for name in ["ca.pem", "server.pem", "server.key"] {
            std::fs::copy(certs.path(name), dir.path().join(name)).expect("copy certificate");
        }
        let _ = Command::new("chown")
            .arg("-R")
            .arg("mysql")
            .arg(dir.path())
            .status();
        let out = Command::new("mariadb-install-db")
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args([
                "--user=mysql",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ])
            .output()
            .expect("run mariadb-install-db");
        assert!(
            out.status.success(),
            "mariadb-install-db failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let socket = dir.path().join("sock");
        let d = dir.path().to_path_buf();
        let start = |port: u16| {
            let _ = std::fs::remove_file(d.join("error.log"));
            let mut child = Command::new("/usr/sbin/mariadbd")
                .arg("--no-defaults")
                .arg(format!("--datadir={}", data.display()))
                .arg(format!("--socket={}", socket.display()))
                .arg(format!("--port={port}"))
                .args([
                    "--bind-address=127.0.0.1",
                    "--user=mysql",
                    "--innodb-buffer-pool-size=16M",
                ])
                .arg(format!("--ssl-ca={}", d.join("ca.pem").display()))
                .arg(format!("--ssl-cert={}", d.join("server.pem").display()))
                .arg(format!("--ssl-key={}", d.join("server.key").display()))
                .arg("--require-secure-transport=ON")
                .arg(format!("--log-error={}", d.join("error.log").display()))
                .arg(format!("--pid-file={}", d.join("pid").display()))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("start mariadbd");
            // Up to 10 s; a server that exited (its port taken) is not waited for.
            let mut ready = false;
            for _ in 0..100 {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if child.try_wait().is_ok_and(|exited| exited.is_some()) {
                    break;
                }
                ready = Command::new("mariadb-admin")
                    .arg(format!("--socket={}", socket.display()))
                    .args(["-uroot", "ping"])
                    .output()
                    .is_ok_and(|o| o.status.success());
                if ready {
                    break;
                }
            }
            if ready {
                return Ok((child, port));
            }
            let _ = child.kill();
            let _ = child.wait();
            Err(std::fs::read_to_string(d.join("error.log")).unwrap_or_default())
        };
        let (child, port) = super::on_free_port("the TLS-only mariadbd", start);
        let server = TlsOnlyServer { dir, child, port };
        let out = Command::new("mariadb")
            .arg(format!("--socket={}", socket.display()))
            .args(["-uroot", "-e"])
            .arg(format!(
                "CREATE USER 'audit'@'%' IDENTIFIED BY '{password}'; GRANT ALL ON *.* TO 'audit'@'%'; CREATE DATABASE test;"
            ))
            .output()
            .expect("create the user");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(server)
    }
}

impl Drop for TlsOnlyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
