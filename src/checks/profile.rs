//! The bookings profile: one scan of the bookings table that four checks share.
//!
//! Grouped by (has no session, status, legacy start_time is NULL), it gives coverage's totals
//! and breakdown, the readiness gate's count, the status vocabulary and migration-state's
//! blockers. Made on first use and kept for the rest of the audit (same snapshot, same answer).

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use super::{CheckContext, CheckError, sql};
use crate::settings::{TableRole, Vocabulary};

#[derive(Debug, Clone, QueryableByName)]
pub struct BookingGroup {
    #[diesel(sql_type = Bool)]
    pub without_session: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
    #[diesel(sql_type = Bool)]
    pub start_time_null: bool,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

impl BookingGroup {
    /// A status that counts as scheduled: anything not listed as not scheduled, and NULL (an
    /// unknown state must not pass a gate).
    pub fn scheduled_status(&self, vocabulary: &Vocabulary) -> bool {
        self.status
            .as_ref()
            .is_none_or(|s| !vocabulary.not_scheduled.contains(s))
    }

    pub fn known_status(&self, vocabulary: &Vocabulary) -> bool {
        self.status
            .as_ref()
            .is_some_and(|s| vocabulary.statuses.contains(s))
    }
}

/// The profile, read on first use.
pub async fn bookings_profile(ctx: &mut CheckContext<'_>) -> Result<Vec<BookingGroup>, CheckError> {
    let shared = ctx.shared;
    let groups = shared
        .bookings_profile
        .get_or_try_init(|| ctx.load(sql!("bookings_profile")))
        .await?;
    Ok(groups.clone())
}

/// Does the bookings table still have its legacy start_time?
pub fn has_legacy_start(ctx: &CheckContext<'_>) -> bool {
    ctx.has_column(TableRole::Bookings, "start_time")
}

/// Bookings without a session that count as scheduled: a legacy start time and a scheduled
/// status. Without the legacy column there is no way to tell, so every booking without a
/// session and with a scheduled status counts (fail closed).
pub fn scheduled_without_session(
    groups: &[BookingGroup],
    vocabulary: &Vocabulary,
    has_legacy: bool,
) -> i64 {
    groups
        .iter()
        .filter(|g| {
            g.without_session
                && g.scheduled_status(vocabulary)
                && (!has_legacy || !g.start_time_null)
        })
        .map(|g| g.count)
        .sum()
}
