//! Opening a MySQL/MariaDB connection: the `Server` impl and its error words.

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
