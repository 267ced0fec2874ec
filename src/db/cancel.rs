//! Cancelling on the server what an interrupted audit left running there.
//!
//! The process's exit closes its connections, but a server does not notice a closed client
//! while its statement waits in a lock queue or is busy: PostgreSQL's backend stays queued and
//! MariaDB goes on executing, until their own time limits. So every server connection is
//! registered when it opens, and on SIGINT/SIGTERM each gets its server's cancel, with a
//! bounded wait: PostgreSQL's cancel request, MySQL/MariaDB's `KILL QUERY` from a second
//! connection.

use std::sync::Mutex;
use std::time::Duration;

/// How to reach one connection's running statement from outside it.
enum Canceller {
    #[cfg(feature = "postgres")]
    Postgres(tokio_postgres::CancelToken),
    #[cfg(feature = "mysql")]
    Mysql { opts: mysql_async::Opts, id: u32 },
}

static OPEN: Mutex<Vec<Canceller>> = Mutex::new(Vec::new());

fn register(canceller: Canceller) {
    if let Ok(mut open) = OPEN.lock() {
        open.push(canceller);
    }
}

#[cfg(feature = "postgres")]
pub fn register_postgres(token: tokio_postgres::CancelToken) {
    register(Canceller::Postgres(token));
}

#[cfg(feature = "mysql")]
pub fn register_mysql(opts: mysql_async::Opts, id: u32) {
    register(Canceller::Mysql { opts, id });
}

/// Sends every registered connection's cancel, waiting at most `limit` for them all. A cancel
/// that fails (the statement already ended, the server is gone) needs nothing more.
pub async fn cancel_everything(limit: Duration) {
    let open: Vec<Canceller> = match OPEN.lock() {
        Ok(mut open) => std::mem::take(&mut *open),
        Err(_) => return,
    };
    if open.is_empty() {
        return;
    }
    tracing::info!("cancelling {} server connection(s)", open.len());
    let cancels = open.into_iter().map(|c| async move {
        match c {
            #[cfg(feature = "postgres")]
            // The cancel request is read before TLS or authentication: plaintext reaches it.
            Canceller::Postgres(token) => {
                let _ = token.cancel_query(tokio_postgres::NoTls).await;
            }
            #[cfg(feature = "mysql")]
            Canceller::Mysql { opts, id } => {
                use mysql_async::prelude::Queryable;
                if let Ok(mut conn) = mysql_async::Conn::new(opts).await {
                    let _ = conn.query_drop(format!("KILL QUERY {id}")).await;
                    let _ = conn.disconnect().await;
                }
            }
        }
    });
    let _ = tokio::time::timeout(limit, futures_util::future::join_all(cancels)).await;
}
