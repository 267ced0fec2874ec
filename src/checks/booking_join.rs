//! The booking join: one pass of every booking joined to its session, that five checks share.
//!
//! Grouped by reminder-readiness's keys (has a session, status, effective start missing,
//! upcoming), each group also counts what dangling-session, service-mismatch,
//! legacy-time-drift and rollback-safety look for. Joining the two largest tables is what an
//! audit costs; doing it once instead of five times is most of its speed (docs/performance.md).
//! Made on first use and kept for the rest of the audit (same snapshot, same answer).

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use super::{CheckContext, CheckError, CheckId, sql};
use crate::settings::TableRole;

/// What the join reads: every check that takes its numbers from it needs these columns (the
/// legacy start/end times are read where they exist and NULL otherwise).
pub const READS: &[(TableRole, &[&str])] = &[
    (
        TableRole::Bookings,
        &["id", "service_session_id", "service_id", "status"],
    ),
    (
        TableRole::Sessions,
        &[
            "id",
            "service_id",
            "start_time",
            "end_time",
            "session_type",
            "visibility",
        ],
    ),
];

#[derive(Debug, Clone, QueryableByName)]
pub struct JoinGroup {
    #[diesel(sql_type = Bool)]
    pub has_session: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
    #[diesel(sql_type = Bool)]
    pub start_missing: bool,
    #[diesel(sql_type = Bool)]
    pub upcoming: bool,
    #[diesel(sql_type = BigInt)]
    pub bookings: i64,
    /// An effective start that is not a timestamp (SQLite's text times only).
    #[diesel(sql_type = BigInt)]
    pub unreadable_start: i64,
    #[diesel(sql_type = BigInt)]
    pub dangling: i64,
    #[diesel(sql_type = BigInt)]
    pub service_mismatch: i64,
    #[diesel(sql_type = BigInt)]
    pub drifted: i64,
    #[diesel(sql_type = BigInt)]
    pub start_drift: i64,
    #[diesel(sql_type = BigInt)]
    pub end_drift: i64,
    /// A legacy or session time that is not a timestamp (SQLite's text times only).
    #[diesel(sql_type = BigInt)]
    pub unreadable_drift: i64,
    /// Bookings of individual/private sessions, which a rollback of services.0019 deletes.
    #[diesel(sql_type = BigInt)]
    pub individual: i64,
    /// Of those, the ones with no legacy start time to fall back to.
    #[diesel(sql_type = BigInt)]
    pub individual_losing: i64,
    /// Bookings whose session is a draft without times: not yet scheduled.
    #[diesel(sql_type = BigInt)]
    pub awaiting_schedule: i64,
}

/// The join's groups, read on first use.
pub async fn booking_join(ctx: &mut CheckContext<'_>) -> Result<Vec<JoinGroup>, CheckError> {
    let shared = ctx.shared;
    // The drift tolerance is legacy-time-drift's setting; the other checks do not read drift.
    let tolerance = ctx
        .settings
        .check(CheckId::LegacyTimeDrift)
        .tolerance_seconds as i64;
    let groups = shared
        .booking_join
        .get_or_try_init(|| {
            ctx.load_with(sql!(ctx, "booking_join"), |b| {
                b.int("tolerance_seconds", tolerance)
            })
        })
        .await?;
    Ok(groups.clone())
}

/// One count summed over the groups.
pub fn total(groups: &[JoinGroup], count: impl Fn(&JoinGroup) -> i64) -> i64 {
    groups.iter().map(count).sum()
}
