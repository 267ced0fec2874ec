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
