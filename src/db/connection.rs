//! One connection of any supported backend, opened the safe way for an audit.

use diesel::QueryResult;
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{Connection as _, QueryableByName};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};

use super::url::{DatabaseUrl, Target, sqlite_read_only_uri};
use crate::error::AuditError;
use crate::spool::SpoolWriter;
use crate::sql::BoundQuery;

use super::types::IdRow;

#[cfg(feature = "postgres")]
use diesel::pg::Pg;
#[cfg(feature = "postgres")]
use diesel_async::AsyncPgConnection;

/// A result row type that every compiled-in backend can read.
pub trait Row: QueryableByName<Sqlite> + PgRow + MysqlRow + Send + 'static {}
impl<T: QueryableByName<Sqlite> + PgRow + MysqlRow + Send + 'static> Row for T {}

#[cfg(feature = "postgres")]
pub trait PgRow: QueryableByName<Pg> {}
#[cfg(feature = "postgres")]
impl<T: QueryableByName<Pg>> PgRow for T {}
#[cfg(not(feature = "postgres"))]
pub trait PgRow {}
#[cfg(not(feature = "postgres"))]
impl<T> PgRow for T {}

#[cfg(feature = "mysql")]
pub trait MysqlRow: QueryableByName<diesel::mysql::Mysql> {}
#[cfg(feature = "mysql")]
impl<T: QueryableByName<diesel::mysql::Mysql>> MysqlRow for T {}
#[cfg(not(feature = "mysql"))]
pub trait MysqlRow {}
#[cfg(not(feature = "mysql"))]
impl<T> MysqlRow for T {}

pub enum Connection {
    // Boxed: the PostgreSQL connection is ten times the size of the others.
    #[cfg(feature = "postgres")]
    Postgres(Box<AsyncPgConnection>),
    Sqlite(SyncConnectionWrapper<SqliteConnection>),
    #[cfg(feature = "mysql")]
    Mysql(Box<diesel_async::AsyncMysqlConnection>),
}

/// Runs the same expression on whichever connection this is.
macro_rules! dispatch {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "postgres")]
            Connection::Postgres($c) => {
                let $c = &mut **$c;
                $body
            }
            Connection::Sqlite($c) => $body,
            #[cfg(feature = "mysql")]
            Connection::Mysql($c) => {
                let $c = &mut **$c;
                $body
            }
        }
    };
}

impl Connection {
    pub async fn load<T: Row>(&mut self, query: BoundQuery) -> QueryResult<Vec<T>> {
        dispatch!(self, c => query.load::<T>(c).await)
    }

    /// Streams the ids a sample query returns into `spool`, leaving out `skip`, without
    /// holding them in memory: a row stream on PostgreSQL and MySQL, diesel's row iterator on
    /// the blocking thread for SQLite.
    pub async fn spool_ids(
        &mut self,
        query: BoundQuery,
        skip: Vec<i64>,
        mut spool: SpoolWriter,
    ) -> QueryResult<SpoolWriter> {
        let io = |e: std::io::Error| diesel::result::Error::DeserializationError(Box::new(e));
        match self {
            Connection::Sqlite(c) => {
                c.spawn_blocking(move |conn| {
                    let rows = diesel::RunQueryDsl::load_iter::<
                        IdRow,
                        diesel::connection::DefaultLoadingMode,
                    >(query, conn)?;
                    for row in rows {
                        let id = row?.id;
                        if !skip.contains(&id) {
                            spool.push(id).map_err(io)?;
                        }
                    }
                    Ok(spool)
                })
                .await
            }
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => {
                spool_stream(query.load_stream::<IdRow>(&mut **c).await?, skip, spool).await
            }
            #[cfg(feature = "mysql")]
            Connection::Mysql(c) => {
                spool_stream(query.load_stream::<IdRow>(&mut **c).await?, skip, spool).await
            }
        }
    }

    pub async fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        dispatch!(self, c => c.batch_execute(sql).await)
    }

    /// Opens a connection for `url`. Connection timeouts and the application name are set
    /// here; the transaction and statement limits are set by the snapshot.
    pub async fn open(
        url: &DatabaseUrl,
        connect_timeout: std::time::Duration,
    ) -> Result<Self, AuditError> {
        match &url.target {
            #[cfg(feature = "postgres")]
            Target::Postgres { url: raw } => {
                // The password may come from PGPASSWORD or ~/.pgpass rather than the URL.
                let raw = super::credentials::postgres_url_with_password(raw);
                open_server::<postgres::Postgres>(&raw, &url.redacted, connect_timeout).await
            }
            #[cfg(not(feature = "postgres"))]
            Target::Postgres { .. } => Err(AuditError::UnsupportedUrl {
                url: url.redacted.clone(),
                reason: "this build has no PostgreSQL support; rebuild with `--features postgres`"
                    .into(),
            }),
            #[cfg(feature = "mysql")]
            Target::Mysql { url: raw } => {
                open_server::<mysql::Mysql>(raw, &url.redacted, connect_timeout).await
            }
            #[cfg(not(feature = "mysql"))]
            Target::Mysql { .. } => Err(AuditError::UnsupportedUrl {
                url: url.redacted.clone(),
                reason: "this build has no MySQL support; rebuild with `--features mysql`".into(),
            }),
            Target::Sqlite { path, params } => {
                let _ = connect_timeout;
                sqlite::open(path, params).await
            }
        }
    }
}

/// What differs between the network servers: how a connection is established and how the
/// driver's errors read. What they share is [`open_server`]: one time limit over the whole
/// set-up (TCP, startup, authentication) and one shape of error.
#[cfg(any(feature = "postgres", feature = "mysql"))]
trait Server {
    /// The server's name in messages.
    const NAME: &'static str;

    /// Connects, or says why not in a sentence that ends with the way out.
    async fn establish(
        raw: &str,
        connect_timeout: std::time::Duration,
    ) -> Result<Connection, Failure>;
}

/// Why a server connection was not made.
#[cfg(any(feature = "postgres", feature = "mysql"))]
enum Failure {
    /// The URL itself is wrong.
    Url(String),
    /// The server could not be reached or refused us.
    Connect(String),
    /// The server accepts only TLS and this connection had none (libpq's `allow` retries with
    /// TLS on exactly this).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    NeedsTls(String),
}

/// Opens a connection to server `S`, giving up after `connect_timeout` whatever stage the
/// set-up is in, so a server that accepts TCP and never answers cannot hang the audit.
#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn open_server<S: Server>(
    raw: &str,
    redacted: &str,
    connect_timeout: std::time::Duration,
) -> Result<Connection, AuditError> {
    let connect = |reason: String| AuditError::Connect {
        backend: S::NAME,
        url: redacted.to_owned(),
        reason,
    };
    match tokio::time::timeout(connect_timeout, S::establish(raw, connect_timeout)).await {
        Err(_) => Err(connect(format!(
            "no answer within {}; check the host, port and firewall",
            humantime::format_duration(connect_timeout)
        ))),
        Ok(Err(Failure::Url(reason))) => Err(AuditError::InvalidUrl {
            url: redacted.to_owned(),
            reason,
        }),
        Ok(Err(Failure::Connect(reason) | Failure::NeedsTls(reason))) => Err(connect(reason)),
        Ok(Ok(conn)) => Ok(conn),
    }
}

/// What a failure to reach the server means, whichever driver said it (`lower`: the driver's
/// message in lower case), and the way out.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn describe_transport(lower: &str) -> Option<&'static str> {
    if lower.contains("connection refused") {
        Some("connection refused; check that the server is running and the host and port are right")
    } else if lower.contains("failed to lookup")
        || lower.contains("name or service not known")
        || lower.contains("resolve")
    {
        Some("unknown host; check the host name in the URL")
    } else if lower.contains("timed out") || lower.contains("timeout") {
        Some("the connection timed out; check the host, port and firewall")
    } else {
        None
    }
}

/// Writes the ids of a row stream into `spool`, leaving out `skip`.
#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn spool_stream(
    mut rows: impl futures_util::Stream<Item = QueryResult<IdRow>> + Unpin,
    skip: Vec<i64>,
    mut spool: SpoolWriter,
) -> QueryResult<SpoolWriter> {
    while let Some(row) = futures_util::TryStreamExt::try_next(&mut rows).await? {
        if !skip.contains(&row.id) {
            spool
                .push(row.id)
                .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
        }
    }
    Ok(spool)
}

mod sqlite {
    use std::io::Read;
    use std::path::Path;

    use super::*;

    const HEADER: &[u8; 16] = b"SQLite format 3\0";

    pub async fn open(path: &Path, params: &[(String, String)]) -> Result<Connection, AuditError> {
        check_file(path)?;
        let uri = sqlite_read_only_uri(path, params);
        let owned_path = path.to_owned();
        // Opening touches the disk: keep it off the async thread.
        let conn = tokio::task::spawn_blocking(move || SqliteConnection::establish(&uri))
            .await
            .map_err(|e| AuditError::SqliteOpen {
                path: owned_path.clone(),
                reason: e.to_string(),
            })?
            .map_err(|e| AuditError::SqliteOpen {
                path: owned_path,
                reason: e.to_string(),
            })?;
        Ok(Connection::Sqlite(SyncConnectionWrapper::new(conn)))
    }

    /// SQLite would happily treat an empty file as an empty database and a text file as a
    /// corrupt one; say plainly what the file is instead.
    fn check_file(path: &Path) -> Result<(), AuditError> {
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(AuditError::SqliteMissing {
                    path: path.to_owned(),
                });
            }
            Err(e) => {
                return Err(AuditError::SqliteOpen {
                    path: path.to_owned(),
                    reason: e.to_string(),
                });
            }
        };
        if meta.is_dir() {
            return Err(AuditError::NotSqlite {
                path: path.to_owned(),
                reason: "a directory".into(),
            });
        }
        if meta.len() == 0 {
            return Err(AuditError::NotSqlite {
                path: path.to_owned(),
                reason: "empty (0 bytes)".into(),
            });
        }
        let mut header = [0u8; 16];
        let read = std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut header))
            .map_err(|e| AuditError::SqliteOpen {
                path: path.to_owned(),
                reason: e.to_string(),
            });
        if read.is_err() || &header != HEADER {
            return Err(AuditError::NotSqlite {
                path: path.to_owned(),
                reason: "not in SQLite format (its header is not \"SQLite format 3\")".into(),
            });
        }
        Ok(())
    }
}

#[cfg(feature = "postgres")]
mod postgres;

#[cfg(feature = "mysql")]
mod mysql;
