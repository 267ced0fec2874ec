//! Whether the audit reads a hot standby, and how far behind its primary the data it reads
//! is. Read once, inside the snapshot, so it describes the data the checks see.

use diesel::sql_types::{Bool, Double, Nullable};

use super::{BackendKind, QueryError, Snapshot};

/// What the report says of the server's recovery state.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Recovery {
    /// PostgreSQL in recovery (a streaming replica, RDS/Cloud SQL read replica); false on a
    /// primary and on SQLite; None where the backend cannot tell (MySQL/MariaDB) or the audit
    /// stopped before reading it.
    pub in_recovery: Option<bool>,
    /// On a standby: seconds from the commit, on the primary, of the last transaction the
    /// standby replayed, to the snapshot's start. An upper bound on how stale the data is (on
    /// an idle primary it grows while nothing is missing); None on a primary, or on a standby
    /// that has replayed nothing since it started.
    pub replay_lag_s: Option<f64>,
}

#[derive(diesel::QueryableByName)]
struct State {
    #[diesel(sql_type = Bool)]
    in_recovery: bool,
    #[diesel(sql_type = Nullable<Double>)]
    replay_lag_s: Option<f64>,
}

/// `now()` is the transaction's start: the moment of the snapshot the checks read.
const STATE_SQL: &str = "SELECT pg_is_in_recovery() AS in_recovery, \
     CASE WHEN pg_is_in_recovery() \
     THEN EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))::float8 END AS replay_lag_s";

pub async fn read(snapshot: &mut Snapshot) -> Result<Recovery, QueryError> {
    match snapshot.backend() {
        BackendKind::Sqlite => Ok(Recovery {
            in_recovery: Some(false),
            replay_lag_s: None,
        }),
        BackendKind::Mysql => Ok(Recovery::default()),
        BackendKind::Postgres => {
            let query = crate::sql::bind(STATE_SQL, &crate::sql::Bindings::default())
                .map_err(|e| QueryError::Database(e.to_string()))?;
            // In a savepoint of its own, as a check is: a failure must not abort the
            // transaction the checks then run in.
            snapshot.begin_check().await?;
            let rows: Result<Vec<State>, QueryError> = snapshot.load(query).await;
            snapshot.end_check(rows.is_ok()).await?;
            let rows = rows?;
            Ok(rows
                .into_iter()
                .next()
                .map_or_else(Recovery::default, |s| Recovery {
                    in_recovery: Some(s.in_recovery),
                    // A clock skew between the servers can make it slightly negative.
                    replay_lag_s: s.replay_lag_s.map(|lag| lag.max(0.0)),
                }))
        }
    }
}
