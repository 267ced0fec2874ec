//! Opening a PostgreSQL connection: the `Server` impl and its error words.

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
                    Err(Failure::NeedsTls(_)) => {
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
    let (client, connection) = config.connect(tls).await.map_err(|e| {
        let reason = describe_connect_error(&e, config);
        // A hostssl-only server refusing a plaintext connection (the one retry `allow` makes).
        let plaintext_refused = e
            .as_db_error()
            .is_some_and(|db| db.message().contains("no encryption"));
        if plaintext_refused {
            Failure::NeedsTls(reason)
        } else {
            Failure::Connect(reason)
        }
    })?;
    let conn = AsyncPgConnection::try_from_client_and_connection(client, connection)
        .await
        .map_err(|e| Failure::Connect(e.to_string()))?;
    super::super::cancel::register_postgres(conn.cancel_token());
    Ok(Connection::Postgres(Box::new(conn)))
}

/// Turns a driver error into a sentence that says what to do. The driver's messages never
/// contain the password, and neither do ours.
fn describe_connect_error(e: &tokio_postgres::Error, config: &tokio_postgres::Config) -> String {
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
