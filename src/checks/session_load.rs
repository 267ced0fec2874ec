//! The sessions' load: every session with the counts of its bookings, that three checks share.
//!
//! The bookings counted per session, joined to the sessions, give capacity's problems,
//! orphan-sessions' count and rollback-safety's sessions in one row. Made on first use and
//! kept for the rest of the audit (same snapshot, same answer). PostgreSQL counts from the
//! foreign-key index (`session_load.postgres.sql`), the others in one grouping of the bookings.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable};

use super::{CheckContext, CheckError, sql};

#[derive(Debug, Clone, QueryableByName)]
pub struct SessionLoad {
    #[diesel(sql_type = BigInt)]
    pub count_mismatch: i64,
    #[diesel(sql_type = BigInt)]
    pub over_capacity: i64,
    #[diesel(sql_type = BigInt)]
    pub individual_overbooked: i64,
    #[diesel(sql_type = BigInt)]
    pub individual_max_not_one: i64,
    #[diesel(sql_type = BigInt)]
    pub sessions_with_capacity_problems: i64,
    #[diesel(sql_type = BigInt)]
    pub individual_sessions: i64,
    #[diesel(sql_type = BigInt)]
    pub orphan_sessions: i64,
    /// Individual sessions that a rollback of services.0019 would leave a booking without a
    /// schedule; NULL from PostgreSQL's query, where rollback-safety counts them itself.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub sessions_losing_schedule: Option<i64>,
    /// Sessions whose lifecycle status is a canceled one: no part in capacity.
    #[diesel(sql_type = BigInt)]
    pub canceled_sessions: i64,
    /// Draft sessions without a start time: not yet scheduled.
    #[diesel(sql_type = BigInt)]
    pub draft_sessions_without_times: i64,
}

/// The load, read on first use.
pub async fn session_load(ctx: &mut CheckContext<'_>) -> Result<SessionLoad, CheckError> {
    let shared = ctx.shared;
    let load = shared
        .session_load
        .get_or_try_init(|| async {
            let rows: Vec<SessionLoad> = ctx
                .load_tuned(sql!(ctx, "session_load"), "session_load")
                .await?;
            rows.into_iter().next().ok_or_else(|| {
                CheckError::BadData("the sessions' load query returned no row".into())
            })
        })
        .await?;
    Ok(load.clone())
}
