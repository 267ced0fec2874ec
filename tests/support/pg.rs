//! PostgreSQL for tests: a fresh database per test on the machine's server, and, for the tests
//! that need password authentication (the machine's server trusts local connections), a
//! throwaway cluster of its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Backend, TestDb};

/// Where the machine's server is; override with SESSION_AUDIT_TEST_PG.
pub fn admin_url() -> String {
    std::env::var("SESSION_AUDIT_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// Reports a missing server: fatal in CI, a printed skip elsewhere.
pub fn unavailable(what: &str, why: &str) {
    if in_ci() {
        panic!("{what} is required in CI but unavailable: {why}");
    }
    eprintln!("SKIPPED: {what} unavailable ({why}); set CI=1 to make this a failure");
}

/// A database of its own on the machine's PostgreSQL, dropped on drop.
pub struct PgDb {
    name: String,
    admin: String,
}

impl PgDb {
    pub fn new() -> Option<Self> {
        let admin = admin_url();
        let mut client = match postgres::Client::connect(&admin, postgres::NoTls) {
            Ok(client) => client,
            Err(e) => {
                unavailable("PostgreSQL", &format!("{admin}: {e}"));
                return None;
            }
        };
        let name = super::unique_db_name();
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create test database");
        Some(PgDb { name, admin })
    }

    /// The database's name, as pg_stat_activity shows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A client on this test's database, for setting up fixtures or holding locks.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).expect("connect to test database")
    }
}

impl TestDb for PgDb {
    fn url(&self) -> String {
        super::with_database(&self.admin, &self.name)
    }

    fn exec(&self, sql: &str) {
        self.client()
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("PostgreSQL fixture failed: {e}\n{sql}"));
    }

    fn backend(&self) -> Backend {
        Backend::Postgres
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A PostgreSQL cluster of its own, with scram-sha-256 password authentication, on a free
/// port of 127.0.0.1. Started with the machine's initdb/pg_ctl; stopped on drop.
pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    pub password: String,
}

pub fn bindir() -> Option<PathBuf> {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() {
            return Some(dir);
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop()
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// PostgreSQL refuses to run as root: run its programs as the `postgres` user then.
pub fn pg_command(bin: &Path, program: &str) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(bin.join(program));
        cmd
    } else {
        Command::new(bin.join(program))
    }
}

/// How a throwaway cluster speaks TLS.
pub enum ClusterTls<'a> {
    /// `ssl = off`: the server offers no TLS.
    Off,
    /// `ssl = on` with this server certificate, and only `hostssl` connections accepted.
    Only(&'a super::certs::Certs),
    /// The same, with the expired copy of the certificate.
    OnlyExpired(&'a super::certs::Certs),
}

impl PgCluster {
    pub fn start(password: &str) -> Option<Self> {
        Self::start_with(password, ClusterTls::Off)
    }

    pub fn start_with(password: &str, tls: ClusterTls<'_>) -> Option<Self> {
        let Some(bin) = bindir() else {
            unavailable(
                "PostgreSQL's initdb",
                "not found under pg_config --bindir or /usr/lib/postgresql",
            );
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("sa-pg-")
            .tempdir()
            .expect("temp dir");
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, password).expect("write password file");
        if is_root() {
            let status = Command::new("chown")
                .arg("-R")
                .arg("postgres")
                .arg(dir.path())
                .status();
            assert!(
                status.is_ok_and(|s| s.success()),
                "chown the cluster directory to postgres"
            );
        }
        let data = dir.path().join("data");
        let out = pg_command(&bin, "initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=scram-sha-256", "--no-sync"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut options = format!(
            "-k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            dir.path().display()
        );
        match tls {
            ClusterTls::Off => options.push_str(" -c ssl=off"),
            ClusterTls::Only(certs) | ClusterTls::OnlyExpired(certs) => {
                let cert = match tls {
                    ClusterTls::OnlyExpired(_) => "expired.pem",
                    _ => "server.pem",
                };
                for (from, name) in [(cert, "server.pem"), ("server.key", "server.key")] {
                    let to = data.join(name);
                    std::fs::copy(certs.path(from), &to).expect("copy the server certificate");
                    let _ = Command::new("chown").arg("postgres").arg(&to).status();
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600))
                        .expect("key mode 0600");
                }
                std::fs::write(
                    data.join("pg_hba.conf"),
                    "local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n",
                )
                .expect("write pg_hba.conf");
                options
                    .push_str(" -c ssl=on -c ssl_cert_file=server.pem -c ssl_key_file=server.key");
            }
        }
        let log = dir.path().join("log");
        let port = super::on_free_port("the test PostgreSQL cluster", |port| {
            pg_ctl_start(&bin, &data, &format!("-p {port} {options}"), &log).map(|()| port)
        });
        Some(PgCluster {
            dir,
            bin,
            port,
            password: password.to_owned(),
        })
    }

    pub fn url(&self, password: &str) -> String {
        format!(
            "postgres://postgres:{password}@127.0.0.1:{}/postgres",
            self.port
        )
    }
}

/// `pg_ctl start`, waiting until the server accepts connections; on failure, what pg_ctl
/// said and the server's log.
pub fn pg_ctl_start(
    bin: &std::path::Path,
    data: &std::path::Path,
    options: &str,
    log: &std::path::Path,
) -> Result<(), String> {
    // pg_ctl appends to the log: a new start reads only its own lines.
    let _ = std::fs::remove_file(log);
    let out = pg_command(bin, "pg_ctl")
        .arg("-D")
        .arg(data)
        .args(["-o", options, "-w", "-l"])
        .arg(log)
        .arg("start")
        .output()
        .expect("run pg_ctl start");
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "pg_ctl start failed: {}{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(log).unwrap_or_default()
    ))
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = pg_command(&self.bin, "pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
    }
}
