//! `reminder-readiness`: active bookings whose effective start time is NULL, so their
//! reminders can never fire. The effective start is the session's start_time, or the legacy
//! booking start_time only where there is no session (the guide's `get_start_time()`). Active
//! means a status neither not-scheduled nor finished; unknown and NULL statuses count.

use super::booking_join::{self, JoinGroup, booking_join};
use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::report::{Cell, CheckResult, IdKind, Rows, count_of, has, one_or_many};
use crate::settings::Severity;

pub const SPEC: CheckSpec = CheckSpec {
    title: "Every active booking has a start time reminders can use",
    severity: Severity::Error,
    needs: booking_join::READS,
    skip_without: &[],
    queries: &["booking_join", "bookings_id_range", "reminder_readiness_sample"],
    sample_kind: IdKind::Booking,
    metrics: &["active_bookings", "upcoming_bookings", "without_start_time", "awaiting_schedule"],
    trend: &[],
    crosstab: None,
};

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let vocabulary = &ctx.settings.vocabulary;
    let groups: Vec<JoinGroup> = booking_join(ctx)
        .await?
        .into_iter()
        .filter(|g| vocabulary.is_active(g.status.as_deref()))
        .collect();
    let unreadable: i64 = groups.iter().map(|g| g.unreadable_start).sum();
    if unreadable > 0 {
        return Err(CheckError::BadData(format!(
            "{} {} an effective start time that is not a timestamp; fix those values",
            count_of(unreadable, "active booking", "active bookings"),
            has(unreadable)
        )));
    }
    let active: i64 = groups.iter().map(|g| g.bookings).sum();
    let upcoming: i64 = groups
        .iter()
        .filter(|g| g.upcoming)
        .map(|g| g.bookings)
        .sum();
    // A booking whose session is a draft without times is awaiting its schedule: no reminder
    // is due yet, so it is counted apart and never fails the check.
    let awaiting: i64 = groups.iter().map(|g| g.awaiting_schedule).sum();
    let mut missing: Vec<&JoinGroup> = groups
        .iter()
        .filter(|g| g.start_missing && g.bookings > g.awaiting_schedule)
        .collect();
    missing.sort_by(|a, b| (a.has_session, &a.status).cmp(&(b.has_session, &b.status)));
    let total: i64 = missing.iter().map(|g| g.bookings - g.awaiting_schedule).sum();
    let mut rows = Rows::new(&["has_session", "status", "count"]);
    for g in &missing {
        rows.push(vec![
            Cell::Bool(g.has_session),
            Cell::text(g.status.clone()),
            Cell::Int(g.bookings - g.awaiting_schedule),
        ]);
    }
    let offenders = ctx
        .offenders(total, sql!("reminder_readiness_sample"))
        .await?;
    let summary = if total == 0 && awaiting > 0 {
        format!(
            "All {} have a start time ({upcoming} upcoming) or await one on a draft session ({awaiting}): reminders can fire.",
            count_of(active, "active booking", "active bookings")
        )
    } else if total == 0 {
        format!(
            "All {} have a start time ({upcoming} upcoming): reminders can fire.",
            count_of(active, "active booking", "active bookings")
        )
    } else {
        format!(
            "{total} of {} {} no start time, on {its} session or (without one) on the booking: {its} reminders can never fire.",
            count_of(active, "active booking", "active bookings"),
            has(total),
            its = one_or_many(total, "its", "their")
        )
    };
    let status = offenders.status();
    let metrics = vec![
        ("active_bookings", active),
        ("upcoming_bookings", upcoming),
        ("without_start_time", total),
        ("awaiting_schedule", awaiting),
    ];
    Ok(ctx.result(status, summary, metrics, rows, offenders))
}
