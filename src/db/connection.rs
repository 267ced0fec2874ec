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
        Ok(Err(Failure::Connect(reason))) => Err(connect(reason)),
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
mod postgres {
    use std::time::Duration;

    use tokio_postgres::config::SslMode;
    use tokio_postgres::error::SqlState;

    use super::*;

    pub struct Postgres;

    impl Server for Postgres {
        const NAME: &'static str = "PostgreSQL";

        async fn establish(raw: &str, connect_timeout: Duration) -> Result<Connection, Failure> {
            let (tls, rest) = super::super::pg_tls::split(raw).map_err(Failure::Url)?;
            let mut config: tokio_postgres::Config =
                rest.parse().map_err(|e: tokio_postgres::Error| {
                    // The driver does not say which part is wrong.
                    Failure::Url(format!(
                        "{e}; check the URL's parameters (sslmode, connect_timeout, application_name, …) \
                         and its port"
                    ))
                })?;
            if config.get_application_name().is_none() {
                config.application_name("session-audit");
            }
            if config.get_connect_timeout().is_none() {
                config.connect_timeout(connect_timeout);
            }
            let rustls = || {
                super::super::pg_tls::client_config(&tls)
                    .map(tokio_postgres_rustls::MakeRustlsConnect::new)
                    .map_err(Failure::Connect)
            };
            use super::super::pg_tls::SslMode as Mode;
            match tls.mode {
                Mode::Disable => {
                    config.ssl_mode(SslMode::Disable);
                    connect(&config, tokio_postgres::NoTls).await
                }
                // libpq's allow: plaintext first, TLS if the server refuses plaintext.
                Mode::Allow => {
                    config.ssl_mode(SslMode::Disable);
                    match connect(&config, tokio_postgres::NoTls).await {
                        Err(Failure::Connect(reason)) if reason.contains("accepts only TLS") => {
                            config.ssl_mode(SslMode::Require);
                            connect(&config, rustls()?).await
                        }
                        other => other,
                    }
                }
                Mode::Prefer => {
                    config.ssl_mode(SslMode::Prefer);
                    connect(&config, rustls()?).await
                }
                Mode::Require | Mode::VerifyCa | Mode::VerifyFull => {
                    config.ssl_mode(SslMode::Require);
                    connect(&config, rustls()?).await
                }
            }
        }
    }

    /// Connects with `tls` and hands the connection to diesel-async.
    async fn connect<T>(config: &tokio_postgres::Config, tls: T) -> Result<Connection, Failure>
    where
        T: tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket>,
        T::Stream: tokio_postgres::tls::TlsStream + Unpin + Send + 'static,
    {
        let (client, connection) = config
            .connect(tls)
            .await
            .map_err(|e| Failure::Connect(describe_connect_error(&e, config)))?;
        let conn = AsyncPgConnection::try_from_client_and_connection(client, connection)
            .await
            .map_err(|e| Failure::Connect(e.to_string()))?;
        super::super::cancel::register_postgres(conn.cancel_token());
        Ok(Connection::Postgres(Box::new(conn)))
    }

    /// Turns a driver error into a sentence that says what to do. The driver's messages never
    /// contain the password, and neither do ours.
    fn describe_connect_error(
        e: &tokio_postgres::Error,
        config: &tokio_postgres::Config,
    ) -> String {
        let user = config.get_user().unwrap_or("(default user)");
        let host = config
            .get_hosts()
            .first()
            .map(|h| match h {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
            })
            .unwrap_or_default();
        let mut chain = super::super::tls_errors::error_chain(e);
        if let Some(db) = e.as_db_error() {
            chain.push_str(": ");
            chain.push_str(db.message());
        }
        // Before the authentication message: a hostssl-only server refuses a plaintext
        // connection with the same SQLSTATE as a wrong password.
        if let Some(reason) =
            super::super::tls_errors::describe(&chain, &host, &super::super::tls_errors::POSTGRES)
        {
            return reason;
        }
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            if *code == SqlState::INVALID_PASSWORD
                || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
            {
                return format!(
                    "authentication failed for user \"{user}\" ({}); check the user name and password",
                    db.message()
                );
            }
            if *code == SqlState::INVALID_CATALOG_NAME {
                return format!(
                    "{}; check the database name at the end of the URL",
                    db.message()
                );
            }
            return db.message().to_owned();
        }
        let text = e.to_string();
        let mut source = std::error::Error::source(e);
        let mut detail = String::new();
        while let Some(s) = source {
            detail = s.to_string();
            source = s.source();
        }
        let lower = format!("{text} {detail}").to_lowercase();
        if let Some(reason) = describe_transport(&lower) {
            reason.into()
        } else if detail.is_empty() {
            text
        } else {
            format!("{text}: {detail}")
        }
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use std::time::Duration;

    use diesel_async::AsyncMysqlConnection;

    use super::*;

    pub struct Mysql;

    impl Server for Mysql {
        const NAME: &'static str = "MySQL/MariaDB";

        async fn establish(raw: &str, _connect_timeout: Duration) -> Result<Connection, Failure> {
            use super::super::mysql_tls::{self, SslMode};
            let (tls, rest) = mysql_tls::split(raw).map_err(Failure::Url)?;
            let opts = mysql_async::Opts::from_url(&rest)
                .map_err(|e| Failure::Connect(describe_connect_error(&e.to_string(), "")))?;
            let host = opts.ip_or_hostname().to_owned();
            let with = |mode: SslMode| {
                mysql_async::OptsBuilder::from_opts(opts.clone())
                    .ssl_opts(mysql_tls::ssl_opts(mode, tls.ca.as_ref()))
            };
            let attempt = |builder: mysql_async::OptsBuilder| async {
                let conn = mysql_async::Conn::new(builder).await?;
                Ok::<_, mysql_async::Error>(conn)
            };
            let conn = match tls.mode {
                None => attempt(mysql_async::OptsBuilder::from_opts(opts.clone())).await,
                // The mysql client's PREFERRED: TLS when the server offers it, else plaintext.
                Some(SslMode::Preferred) => match attempt(with(SslMode::Preferred)).await {
                    Err(mysql_async::Error::Driver(
                        mysql_async::DriverError::NoClientSslFlagFromServer,
                    )) => attempt(with(SslMode::Disabled)).await,
                    other => other,
                },
                Some(mode) => attempt(with(mode)).await,
            };
            let conn = conn.map_err(|e| {
                let chain = super::super::tls_errors::error_chain(&e);
                // MariaDB answers a plaintext login to a require_secure_transport server with
                // "Access denied", as if the password were wrong: name the other cause too.
                if tls.mode == Some(SslMode::Disabled) && chain.to_lowercase().contains("access denied") {
                    Failure::Connect(format!(
                        "authentication failed without TLS ({}); if the server requires secure transport, use ssl-mode=REQUIRED (or PREFERRED, the default), else check the user name and password",
                        chain.lines().next().unwrap_or_default().trim()
                    ))
                } else {
                    Failure::Connect(describe_connect_error(&chain, &host))
                }
            })?;
            // KILL QUERY from a second connection with the same options, if interrupted.
            super::super::cancel::register_mysql(conn.opts().clone(), conn.id());
            let conn = AsyncMysqlConnection::try_from(conn)
                .await
                .map_err(|e| Failure::Connect(e.to_string()))?;
            Ok(Connection::Mysql(Box::new(conn)))
        }
    }

    /// The driver's messages name the user, never the password; ours add the way out.
    fn describe_connect_error(message: &str, host: &str) -> String {
        let lower = message.to_lowercase();
        if let Some(reason) =
            super::super::tls_errors::describe(message, host, &super::super::tls_errors::MYSQL)
        {
            reason
        } else if lower.contains("access denied") {
            format!(
                "authentication failed ({}); check the user name and password",
                message.trim()
            )
        } else if lower.contains("unknown database") {
            format!(
                "{}; check the database name at the end of the URL",
                message.trim()
            )
        } else if lower.contains("url parameter") {
            format!("{}; remove it or fix its spelling", message.trim())
        } else if let Some(reason) = describe_transport(&lower) {
            reason.into()
        } else {
            message.trim().to_owned()
        }
    }
}
