//! The bookings profile: one scan of the bookings table that four checks share.
//!
//! Grouped by (has no session, status, legacy start_time is NULL), it gives coverage's totals
//! and breakdown, the readiness gate's count, the status vocabulary and migration-state's
//! blockers. Made on first use and kept for the rest of the audit (same snapshot, same answer).
//!
//! Where it comes from depends on the audit (issue 17, docs/performance.md):
//! - the audit runs the booking join anyway: from the join's groups, which carry the same keys
//!   for the bookings without a session, so a full audit reads the bookings once less. If the
//!   join fails, the profile scans on its own: a problem in the sessions table never stops the
//!   bookings-only checks;
//! - no check reads the statuses of bookings that have a session (status-vocabulary is not
//!   run): the lean scan, which only counts those and groups the few without a session;
//! - else the full scan.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use std::collections::BTreeMap;

use super::booking_join::{JoinGroup, booking_join};
use super::{CheckContext, CheckError, CheckId, sql};
use crate::settings::{TableRole, Vocabulary};

#[derive(Debug, Clone, QueryableByName)]
pub struct BookingGroup {
    #[diesel(sql_type = Bool)]
    pub without_session: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
    /// The legacy start_time is NULL (or the column is gone). Read only for the bookings
    /// without a session; the groups read from the booking join leave it false for the others.
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

/// How an audit reads the profile.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub enum ProfileSource {
    /// From the booking join's groups (the join runs in this audit anyway).
    Join,
    /// Every booking's status, for status-vocabulary.
    #[default]
    Full,
    /// Only the bookings without a session grouped; the others counted.
    Lean,
}

impl ProfileSource {
    /// The cheapest source that answers every check of the audit (`checks`: those that run).
    pub fn for_checks(checks: &[CheckId]) -> Self {
        if checks
            .iter()
            .any(|id| id.spec().queries.contains(&"booking_join"))
        {
            ProfileSource::Join
        } else if checks.contains(&CheckId::StatusVocabulary) {
            ProfileSource::Full
        } else {
            ProfileSource::Lean
        }
    }
}

/// The profile, read on first use, from the audit's [`ProfileSource`].
pub async fn bookings_profile(ctx: &mut CheckContext<'_>) -> Result<Vec<BookingGroup>, CheckError> {
    let shared = ctx.shared;
    let groups = shared
        .bookings_profile
        .get_or_try_init(|| async move {
            if shared.profile_source == ProfileSource::Lean {
                return ctx.load(sql!("bookings_profile_lean")).await;
            }
            if shared.profile_source == ProfileSource::Join {
                match booking_join(ctx).await {
                    Ok(joined) => return Ok(from_join(&joined)),
                    Err(e) => {
                        tracing::info!(
                            "{}: the booking join failed ({e}); scanning the bookings alone",
                            ctx.id
                        );
                        // The failed query may have aborted this check's transaction. If the
                        // connection itself is gone (a timeout, a recovery conflict), the
                        // join's error is the one to report.
                        if ctx.snapshot.end_check(false).await.is_err()
                            || ctx.snapshot.begin_check().await.is_err()
                        {
                            return Err(e);
                        }
                    }
                }
            }
            ctx.load(sql!("bookings_profile")).await
        })
        .await?;
    Ok(groups.clone())
}

/// The profile's groups summed from the booking join's: the join groups by (has a session,
/// status, effective start missing, upcoming), and a booking without a session has its legacy
/// start as its effective start, so its "start missing" is the profile's `start_time_null`.
fn from_join(joined: &[JoinGroup]) -> Vec<BookingGroup> {
    let mut merged: BTreeMap<(bool, Option<String>, bool), i64> = BTreeMap::new();
    for g in joined {
        let without_session = !g.has_session;
        let key = (
            without_session,
            g.status.clone(),
            without_session && g.start_missing,
        );
        *merged.entry(key).or_default() += g.bookings;
    }
    merged
        .into_iter()
        .map(
            |((without_session, status, start_time_null), count)| BookingGroup {
                without_session,
                status,
                start_time_null,
                count,
            },
        )
        .collect()
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
