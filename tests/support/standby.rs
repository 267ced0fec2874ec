//! A PostgreSQL primary and its hot standby, of their own, for the replica tests: the primary
//! started with initdb/pg_ctl (trust authentication on 127.0.0.1), the standby made from it by
//! `pg_basebackup -R` (streaming replication, as operators set one up) and started in recovery.
//! Both stop on drop.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::pg::{bindir, is_root, pg_command, pg_ctl_start, unavailable};
use super::{Backend, TestDb};

pub struct PgPair {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub primary_port: u16,
    pub standby_port: u16,
}

impl PgPair {
    /// `standby_settings` go to the standby's command line (`-c max_standby_streaming_delay=0`).
    pub fn start(standby_settings: &str) -> Option<Self> {
        let Some(bin) = bindir() else {
            unavailable(
                "PostgreSQL's initdb and pg_basebackup",
                "not found under pg_config --bindir or /usr/lib/postgresql",
            );
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("sa-pair-")
            .tempdir()
            .expect("temp dir");
        if is_root() {
            let status = std::process::Command::new("chown")
                .arg("-R")
                .arg("postgres")
                .arg(dir.path())
                .status();
            assert!(status.is_ok_and(|s| s.success()), "chown to postgres");
        }
        let run = |program: &str, args: &[String]| {
            let out = pg_command(&bin, program)
                .args(args)
                .output()
                .unwrap_or_else(|e| panic!("run {program}: {e}"));
            assert!(
                out.status.success(),
                "{program} {args:?} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let path = |name: &str| dir.path().join(name).display().to_string();
        run(
            "initdb",
            &[
                "-D".into(),
                path("primary"),
                "-U".into(),
                "postgres".into(),
                "--auth=trust".into(),
                "--no-sync".into(),
            ],
        );
        // Each server on a port of its own, taken again if another socket got it first.
        let start = |data: &str, extra: &str, log: &str| {
            super::on_free_port(&format!("the test {data}"), |port| {
                let options = format!(
                    "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off {extra}",
                    dir.path().display()
                );
                pg_ctl_start(
                    &bin,
                    dir.path().join(data).as_path(),
                    &options,
                    dir.path().join(log).as_path(),
                )
                .map(|()| port)
            })
        };
        let primary_port = start(
            "primary",
            "-c wal_level=replica -c max_wal_senders=4",
            "primary.log",
        );
        run(
            "pg_basebackup",
            &[
                "-h".into(),
                "127.0.0.1".into(),
                "-p".into(),
                primary_port.to_string(),
                "-U".into(),
                "postgres".into(),
                "-D".into(),
                path("standby"),
                "-R".into(),
                "-X".into(),
                "stream".into(),
                "--no-sync".into(),
            ],
        );
        let standby_port = start(
            "standby",
            &format!("-c hot_standby=on {standby_settings}"),
            "standby.log",
        );
        let pair = PgPair {
            dir,
            bin,
            primary_port,
            standby_port,
        };
        let in_recovery: bool = pair
            .standby()
            .query_one("SELECT pg_is_in_recovery()", &[])
            .expect("ask the standby")
            .get(0);
        assert!(in_recovery, "the standby is in recovery");
        Some(pair)
    }

    fn url(port: u16) -> String {
        format!("postgres://postgres@127.0.0.1:{port}/postgres")
    }

    pub fn primary_url(&self) -> String {
        Self::url(self.primary_port)
    }

    pub fn standby_url(&self) -> String {
        Self::url(self.standby_port)
    }

    pub fn primary(&self) -> postgres::Client {
        postgres::Client::connect(&self.primary_url(), postgres::NoTls).expect("connect to primary")
    }

    pub fn standby(&self) -> postgres::Client {
        // A standby still starting up refuses connections for a moment.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match postgres::Client::connect(&self.standby_url(), postgres::NoTls) {
                Ok(client) => return client,
                Err(e) if Instant::now() > deadline => panic!("connect to standby: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    /// Waits until the standby has replayed everything the primary has written so far.
    pub fn wait_for_replay(&self) {
        let target: String = self
            .primary()
            .query_one("SELECT pg_current_wal_lsn()::text", &[])
            .expect("primary's LSN")
            .get(0);
        let mut standby = self.standby();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let caught_up: bool = standby
                .query_one(
                    "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn",
                    &[&target],
                )
                .expect("standby's replay LSN")
                .get(0);
            if caught_up {
                return;
            }
            assert!(Instant::now() < deadline, "the standby did not catch up");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The primary's `postgres` database, for fixtures.
    pub fn primary_db(&self) -> PrimaryDb {
        PrimaryDb {
            url: self.primary_url(),
        }
    }
}

impl Drop for PgPair {
    fn drop(&mut self) {
        for data in ["standby", "primary"] {
            let _ = pg_command(&self.bin, "pg_ctl")
                .arg("-D")
                .arg(self.dir.path().join(data))
                .args(["-m", "immediate", "stop"])
                .output();
        }
    }
}

/// The primary as a fixture target.
pub struct PrimaryDb {
    url: String,
}

impl TestDb for PrimaryDb {
    fn url(&self) -> String {
        self.url.clone()
    }

    fn exec(&self, sql: &str) {
        postgres::Client::connect(&self.url, postgres::NoTls)
            .expect("connect to primary")
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("fixture on the primary failed: {e:?}\n{sql}"));
    }

    fn backend(&self) -> Backend {
        Backend::Postgres
    }
}
