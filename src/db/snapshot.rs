//! One read-only transaction on one consistent snapshot, with time limits on every statement.
//!
//! PostgreSQL: `REPEATABLE READ, READ ONLY` with `statement_timeout`, `lock_timeout` and the
//! session time zone set to UTC for the transaction only. MySQL/MariaDB: `START TRANSACTION WITH
//! CONSISTENT SNAPSHOT, READ ONLY` at REPEATABLE READ, with the server's own statement limit and
//! lock waits, time zone UTC (Django stores `DATETIME(6)` in UTC). SQLite: a file opened read-only
//! (`mode=ro`, `query_only`) holding one read transaction. The transaction is only ever rolled
//! back: an audit has nothing to commit.
//!
//! Each check runs between [`Snapshot::begin_check`] and [`Snapshot::end_check`], a savepoint,
//! so a failed query (which aborts a PostgreSQL transaction) costs that check only. Every query
//! also has a client-side time limit, the backstop for SQLite, which has no server to cancel a
//! statement: after one fires the connection is considered lost and later queries fail fast.

use std::time::Duration;

use super::connection::{Connection, Row};
use super::url::{BackendKind, DatabaseUrl};
use crate::error::AuditError;
use crate::sql::BoundQuery;

#[derive(Debug, Clone, Copy)]
pub struct SnapshotOptions {
    pub statement_timeout: Duration,
    pub lock_timeout: Duration,
    pub connect_timeout: Duration,
    /// PostgreSQL `work_mem` for the large grouping queries, in MiB: at the server's default
    /// of 4 MB, duplicate-times' hash aggregate spills to disk (257 batches on 1M bookings).
    /// Not for the whole transaction: the joins of bookings to sessions ran slower with it
    /// (service-mismatch 7.1 s -> 9.3 s on 10M bookings).
    pub work_mem_mb: u32,
    /// PostgreSQL parallel workers per query, for the whole transaction.
    pub parallel_workers: ParallelWorkers,
}

/// How many parallel workers PostgreSQL may give each of the audit's queries
/// (`max_parallel_workers_per_gather`, set for the audit's transaction only).
///
/// The audit's own connections (`--jobs`) already run its checks side by side, and the
/// sessions' load, its longest query, runs serially (see [`Tuning::Serial`]). Workers given to
/// the queries beside it take the cores it needs on a server without cores to spare: on 2
/// cores at 10M bookings the whole audit took 0.84× the time without them, the three guide
/// checks 0.86×, at 1M 0.85× (docs/performance.md). With one connection the workers are the
/// only parallelism, and there they help (1M, `--jobs 1`: 1.16× the time without them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParallelWorkers {
    /// None when the audit reads on two or more connections, the server's setting on one.
    #[default]
    Auto,
    /// The server's own `max_parallel_workers_per_gather`.
    Server,
    /// At most this many per query.
    AtMost(u8),
}

impl ParallelWorkers {
    /// What `Auto` means for an audit on `connections` connections; other values stay.
    pub fn for_connections(self, connections: usize) -> Self {
        match self {
            ParallelWorkers::Auto if connections >= 2 => ParallelWorkers::AtMost(0),
            ParallelWorkers::Auto => ParallelWorkers::Server,
            decided => decided,
        }
    }

    /// The value the transaction sets, if any (`Auto` not yet decided leaves the server's).
    fn setting(self) -> Option<String> {
        match self {
            ParallelWorkers::AtMost(n) => Some(n.to_string()),
            ParallelWorkers::Auto | ParallelWorkers::Server => None,
        }
    }
}

/// The flag's value: `auto`, `server`, or a number of workers.
impl std::str::FromStr for ParallelWorkers {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "auto" => Ok(ParallelWorkers::Auto),
            "server" => Ok(ParallelWorkers::Server),
            n => match n.parse::<u8>() {
                Ok(n) if n <= 64 => Ok(ParallelWorkers::AtMost(n)),
                _ => Err("use auto, server, or a number of workers from 0 to 64".into()),
            },
        }
    }
}

impl SnapshotOptions {
    /// These options for an audit whose checks run on `connections` connections: `auto`
    /// parallel workers decided (see [`ParallelWorkers::for_connections`]). The audit's
    /// connections and `explain`'s planning both take their settings from here.
    pub fn on_connections(self, connections: usize) -> Self {
        SnapshotOptions {
            parallel_workers: self.parallel_workers.for_connections(connections),
            ..self
        }
    }

    /// PostgreSQL settings for the whole transaction beyond its time limits and time zone:
    /// (name, value) pairs for `SET LOCAL`.
    fn transaction_settings(&self) -> Vec<(&'static str, String)> {
        self.parallel_workers
            .setting()
            .map(|n| ("max_parallel_workers_per_gather", n))
            .into_iter()
            .collect()
    }
}

impl Default for SnapshotOptions {
    /// The limits `demo` uses; `check`'s flags default to the same (a test in `cli` keeps them so).
    fn default() -> Self {
        SnapshotOptions {
            statement_timeout: Duration::from_secs(60),
            lock_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(10),
            work_mem_mb: 32,
            parallel_workers: ParallelWorkers::Auto,
        }
    }
}

/// A query that did not give an answer. Its message is for the person running the audit.
#[derive(Debug, Clone, thiserror::Error)]
pub enum QueryError {
    #[error(
        "the query exceeded the statement timeout of {0}; raise it with --statement-timeout or run the audit off-peak"
    )]
    StatementTimeout(String),
    #[error(
        "the query waited longer than the lock timeout of {0} for a lock another session holds; retry later or raise --lock-timeout"
    )]
    LockTimeout(String),
    #[error(
        "the standby cancelled the query to replay changes from its primary (a recovery conflict: {0}); on the standby set hot_standby_feedback = on or raise max_standby_streaming_delay, or audit the primary"
    )]
    RecoveryConflict(String),
    #[error("not run: an earlier query on this connection was abandoned ({0})")]
    ConnectionLost(String),
    #[error("{0}")]
    Database(String),
}

pub struct Snapshot {
    conn: Connection,
    backend: BackendKind,
    options: SnapshotOptions,
    lost: Option<String>,
}

/// A query that ran past its limit.
#[derive(Debug)]
pub struct Overran;

/// Runs `work` for at most `limit`. A query that overran is forgotten, not dropped: SQLite
/// runs on a blocking thread that nothing can interrupt (diesel exposes no sqlite3_interrupt),
/// and dropping diesel-async's handle to it waits for the statement to end (and panics on a
/// single-threaded runtime). Forgotten, it runs on until the process exits; the snapshot is
/// given up on (see `settle`), so nothing else waits for that connection. On PostgreSQL and
/// MySQL the server has already cancelled the statement by then.
async fn bounded<F: std::future::Future>(limit: Duration, work: F) -> Result<F::Output, Overran> {
    let mut work = Box::pin(work);
    tokio::select! {
        out = &mut work => Ok(out),
        () = tokio::time::sleep(limit) => {
            std::mem::forget(work);
            Err(Overran)
        }
    }
}

impl Snapshot {
    pub async fn open(
        url: &DatabaseUrl,
        options: SnapshotOptions,
        import: Option<&str>,
    ) -> Result<Self, AuditError> {
        let mut conn = Connection::open(url, options.connect_timeout).await?;
        let backend = url.backend();
        let limit = options.statement_timeout + GRACE;
        let fail = |reason: &str| snapshot_error(url, backend, reason);
        let statements = match backend {
            BackendKind::Postgres => [
                vec!["START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY".to_owned()],
                // Must come before any query of the transaction.
                import
                    .map(|id| format!("SET TRANSACTION SNAPSHOT '{id}'"))
                    .into_iter()
                    .collect(),
                vec![
                    format!(
                        "SET LOCAL statement_timeout = '{}ms'",
                        options.statement_timeout.as_millis()
                    ),
                    format!(
                        "SET LOCAL lock_timeout = '{}ms'",
                        options.lock_timeout.as_millis()
                    ),
                    "SET LOCAL TimeZone = 'UTC'".to_owned(),
                ],
                options
                    .transaction_settings()
                    .into_iter()
                    .map(|(setting, value)| format!("SET LOCAL {setting} = {value}"))
                    .collect(),
            ]
            .concat(),
            // The SELECT starts the read transaction now, so every check sees the file as it
            // was at this moment even if the application writes to it meanwhile (WAL mode).
            BackendKind::Sqlite => vec![
                "PRAGMA query_only = ON".to_owned(),
                format!("PRAGMA busy_timeout = {}", options.lock_timeout.as_millis()),
                "BEGIN DEFERRED".to_owned(),
                "SELECT count(*) FROM sqlite_schema".to_owned(),
            ],
            BackendKind::Mysql => {
                let version = tokio::time::timeout(limit, server_version(&mut conn))
                    .await
                    .map_err(|_| fail("timed out"))?
                    .map_err(|e| fail(&e.to_string()))?;
                mysql_statements(&version, options)
            }
        };
        for statement in &statements {
            match tokio::time::timeout(limit, conn.batch_execute(statement)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(fail(&e.to_string())),
                Err(_) => return Err(fail("timed out")),
            }
        }
        Ok(Snapshot {
            conn,
            backend,
            options,
            lost: None,
        })
    }

    pub fn backend(&self) -> BackendKind {
        self.backend
    }

    /// Runs one query under the statement timeout.
    pub async fn load<T: Row>(&mut self, query: BoundQuery) -> Result<Vec<T>, QueryError> {
        self.usable()?;
        let limit = self.client_limit();
        let outcome = bounded(limit, self.conn.load::<T>(query)).await;
        self.settle(outcome)
    }

    /// Streams the ids of a sample query into `spool` under the statement timeout.
    pub async fn spool_ids(
        &mut self,
        query: BoundQuery,
        skip: Vec<i64>,
        spool: crate::spool::SpoolWriter,
    ) -> Result<crate::spool::SpoolWriter, QueryError> {
        self.usable()?;
        let limit = self.client_limit();
        let outcome = bounded(limit, self.conn.spool_ids(query, skip, spool)).await;
        self.settle(outcome)
    }

    /// Runs `load` with PostgreSQL planner settings changed for this query only (`SET LOCAL`,
    /// then back to the transaction's values: the server's, or what the audit set for the
    /// whole transaction); other backends have no such settings.
    pub async fn load_tuned<T: Row>(
        &mut self,
        query: BoundQuery,
        tuning: Tuning,
    ) -> Result<Vec<T>, QueryError> {
        if self.backend != BackendKind::Postgres {
            return self.load(query).await;
        }
        let settings = tuning.settings(self.options.work_mem_mb);
        let set: Vec<String> = settings
            .iter()
            .map(|(setting, value)| format!("SET LOCAL {setting} = {value}"))
            .collect();
        self.execute(&set.join("; ")).await?;
        let rows = self.load(query).await;
        // After a failure the transaction refuses everything until the caller's savepoint is
        // rolled back, which also undoes the SET LOCAL: resetting now would fail and give the
        // whole connection up, poisoning every later query.
        if rows.is_ok() {
            let transaction = self.options.transaction_settings();
            let reset: Vec<String> = settings
                .iter()
                .map(|(setting, _)| {
                    match transaction.iter().find(|(pinned, _)| pinned == setting) {
                        Some((_, value)) => format!("SET LOCAL {setting} = {value}"),
                        None => format!("SET LOCAL {setting} TO DEFAULT"),
                    }
                })
                .collect();
            self.execute(&reset.join("; ")).await?;
        }
        rows
    }

    /// Marks the start of one check's queries.
    pub async fn begin_check(&mut self) -> Result<(), QueryError> {
        self.execute("SAVEPOINT session_audit_check").await
    }

    /// Ends one check: keeps the transaction usable whether or not the check succeeded.
    pub async fn end_check(&mut self, succeeded: bool) -> Result<(), QueryError> {
        if succeeded {
            self.execute("RELEASE SAVEPOINT session_audit_check").await
        } else {
            self.execute("ROLLBACK TO SAVEPOINT session_audit_check")
                .await?;
            self.execute("RELEASE SAVEPOINT session_audit_check").await
        }
    }

    /// Ends the transaction. Rolling back is all an audit ever needs.
    pub async fn close(mut self) {
        if self.lost.is_none() {
            let _ = self.execute("ROLLBACK").await;
        } else if self.backend == BackendKind::Sqlite {
            // A statement abandoned at its time limit may still hold this connection on a
            // blocking thread: dropping it would wait for that statement. The process ends it.
            std::mem::forget(self);
        }
    }

    async fn execute(&mut self, sql: &str) -> Result<(), QueryError> {
        self.usable()?;
        let limit = self.client_limit();
        let outcome = bounded(limit, self.conn.batch_execute(sql)).await;
        let done = self.settle(outcome);
        if let Err(e) = &done {
            // A savepoint that cannot be set or released means the transaction is gone.
            self.lost.get_or_insert_with(|| e.to_string());
        }
        done
    }

    /// Refuses to run anything once the connection was given up on.
    fn usable(&self) -> Result<(), QueryError> {
        match &self.lost {
            Some(why) => Err(QueryError::ConnectionLost(why.clone())),
            None => Ok(()),
        }
    }

    /// Turns the outcome of a statement run under the client-side limit into an answer. A
    /// statement abandoned at the limit may still be running: the connection is given up.
    fn settle<T>(
        &mut self,
        outcome: Result<diesel::QueryResult<T>, Overran>,
    ) -> Result<T, QueryError> {
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(self.classify(&e)),
            Err(_) => {
                let err = QueryError::StatementTimeout(
                    humantime::format_duration(self.options.statement_timeout).to_string(),
                );
                self.lost = Some(err.to_string());
                Err(err)
            }
        }
    }

    /// PostgreSQL cancels a statement itself at `statement_timeout`; the client waits a little
    /// longer so that the server's clearer error wins. SQLite has only the client's limit.
    fn client_limit(&self) -> Duration {
        match self.backend {
            BackendKind::Postgres | BackendKind::Mysql => self.options.statement_timeout + GRACE,
            BackendKind::Sqlite => self.options.statement_timeout,
        }
    }

    fn classify(&mut self, e: &diesel::result::Error) -> QueryError {
        let message = match e {
            diesel::result::Error::DatabaseError(_, info) => info.message().to_owned(),
            other => other.to_string(),
        };
        let lower = message.to_lowercase();
        let fmt = |d: Duration| humantime::format_duration(d).to_string();
        if lower.contains("statement timeout")
            || lower.contains("max_statement_time exceeded")
            || lower.contains("maximum statement execution time exceeded")
        {
            QueryError::StatementTimeout(fmt(self.options.statement_timeout))
        } else if lower.contains("lock timeout")
            || lower.contains("lock wait timeout exceeded")
            || lower.contains("database is locked")
        {
            QueryError::LockTimeout(fmt(self.options.lock_timeout))
        } else if lower.contains("conflict with recovery") {
            // "canceling statement due to ..." leaves the transaction to roll back; a
            // "terminating connection due to ..." ends the connection too.
            if lower.contains("terminating connection") {
                self.lost = Some(message.clone());
            }
            QueryError::RecoveryConflict(message)
        } else if lower.contains("connection closed")
            || lower.contains("terminating connection")
            || lower.contains("broken pipe")
            || lower.contains("connection reset")
            || lower.contains("server has gone away")
            || lower.contains("lost connection")
        {
            let why = format!("the server closed the connection: {message}");
            self.lost = Some(why.clone());
            QueryError::Database(format!(
                "{why}; check the server's log and run the audit again"
            ))
        } else {
            QueryError::Database(message)
        }
    }
}

const GRACE: Duration = Duration::from_secs(2);

#[derive(diesel::QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

async fn server_version(conn: &mut Connection) -> diesel::QueryResult<String> {
    let query = crate::sql::bind(
        "SELECT VERSION() AS version",
        &crate::sql::Bindings::default(),
    )
    .map_err(|e| diesel::result::Error::QueryBuilderError(Box::new(e)))?;
    let rows: Vec<Version> = conn.load(query).await?;
    Ok(rows
        .into_iter()
        .next()
        .map(|r| r.version)
        .unwrap_or_default())
}

/// MySQL and MariaDB limit statements differently (MariaDB: `max_statement_time` in seconds,
/// any statement; MySQL: `max_execution_time` in milliseconds, SELECTs), so the server's own
/// version string decides. Lock waits are whole seconds, at least one.
fn mysql_statements(version: &str, options: SnapshotOptions) -> Vec<String> {
    let lock_seconds = options.lock_timeout.as_secs_f64().ceil().max(1.0) as u64;
    let statement_limit = if version.to_lowercase().contains("mariadb") {
        format!(
            "SET SESSION max_statement_time = {:.3}",
            options.statement_timeout.as_secs_f64()
        )
    } else {
        format!(
            "SET SESSION max_execution_time = {}",
            options.statement_timeout.as_millis()
        )
    };
    vec![
        // Session ids of duplicate groups come back through GROUP_CONCAT: never truncate them.
        "SET SESSION group_concat_max_len = 4294967295".to_owned(),
        format!("SET SESSION lock_wait_timeout = {lock_seconds}"),
        format!("SET SESSION innodb_lock_wait_timeout = {lock_seconds}"),
        statement_limit,
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ".to_owned(),
        "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY".to_owned(),
    ]
}

pub(super) fn snapshot_error(url: &DatabaseUrl, backend: BackendKind, reason: &str) -> AuditError {
    let hint = match backend {
        BackendKind::Sqlite if reason.contains("not a database") => {
            "; the file is not a SQLite database or is damaged"
        }
        _ => "",
    };
    AuditError::Snapshot {
        url: url.redacted.clone(),
        reason: format!("{reason}{hint}"),
    }
}

/// PostgreSQL planner settings one query needs (see [`Snapshot::load_tuned`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tuning {
    /// `work_mem` at `--work-mem-mb`: duplicate-times' hash aggregate over (service, start)
    /// spills to disk at the default 4 MB. Raised for the whole transaction instead, it slowed
    /// the big hash joins (docs/performance.md), so it is raised for this query alone.
    MoreMemory,
    /// No parallel workers: the sessions' load (`session_load.postgres.sql`) joins the sessions
    /// to two groupings of the bookings by session, and with workers each one repeats both
    /// groupings in full (it does not share them): three times the server's work for at best
    /// a tenth less time on an idle server. Measured on 10M interleaved bookings
    /// (docs/performance.md): 6.1-6.4 s with workers and merge joins, 7.4-8.4 s with workers and
    /// hash joins, 6.7 s serial; 1M: 0.67-0.70 s serial against 0.74-1.02 s with workers.
    Serial,
}

impl Tuning {
    /// The settings, as (name, value) pairs for `SET LOCAL`.
    pub fn settings(self, work_mem_mb: u32) -> Vec<(&'static str, String)> {
        match self {
            Tuning::MoreMemory => vec![("work_mem", format!("'{work_mem_mb}MB'"))],
            Tuning::Serial => vec![("max_parallel_workers_per_gather", "0".to_owned())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_workers_are_off_on_two_connections_unless_the_user_says_otherwise() {
        use ParallelWorkers::*;
        let parse = |text: &str| text.parse::<ParallelWorkers>();
        assert_eq!(parse("auto"), Ok(Auto));
        assert_eq!(parse("server"), Ok(Server));
        assert_eq!(parse("0"), Ok(AtMost(0)));
        assert_eq!(parse("64"), Ok(AtMost(64)));
        for wrong in ["65", "-1", "two", ""] {
            assert!(parse(wrong).is_err(), "{wrong}");
        }
        assert_eq!(Auto.for_connections(2), AtMost(0));
        assert_eq!(Auto.for_connections(1), Server);
        assert_eq!(AtMost(3).for_connections(2), AtMost(3));
        assert_eq!(Server.for_connections(4), Server);
        let with = |parallel_workers| SnapshotOptions {
            parallel_workers,
            ..SnapshotOptions::default()
        };
        assert_eq!(
            with(AtMost(0)).transaction_settings(),
            [("max_parallel_workers_per_gather", "0".to_owned())]
        );
        assert!(with(Server).transaction_settings().is_empty());
        // Not decided yet: the server's setting, never a guess.
        assert!(with(Auto).transaction_settings().is_empty());
    }
}
