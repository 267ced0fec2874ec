//! `coverage`: every booking must reference a ServiceSession (the guide's "Should return 0").
//!
//! Also breaks the bookings without a session down by status and by whether the legacy
//! `start_time` is NULL, and counts `scheduled_without_session` (see `profile`). Reads the
//! shared bookings profile: no scan of its own.

use super::migration_state::{Applied, check_only_0013};
use super::profile::{bookings_profile, has_legacy_start, scheduled_without_session};
use super::{CheckContext, CheckError, CheckSpec, empty_table, soft_delete, sql};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    bookings: i64,
}
use crate::report::{Cell, CheckResult, IdKind, Rows, Status, count_of, has};
use crate::vocab::Trend;
use crate::settings::{Severity, TableRole};

pub const SPEC: CheckSpec = CheckSpec {
    title: "Every booking references a ServiceSession",
    severity: Severity::Error,
    needs: &[(TableRole::Bookings, &["id", "service_session_id", "status"])],
    skip_without: &[],
    queries: &[
        "bookings_profile",
        "bookings_profile_lean",
        "coverage_sample",
        "migration_state",
        "bookings_count",
    ],
    sample_kind: IdKind::Booking,
    metrics: &["total_bookings", "with_session", "without_session", "scheduled_without_session", "unscheduled_without_session", "soft_deleted_bookings"],
    trend: &[("without_session", Trend::BookingsWithoutSession), ("scheduled_without_session", Trend::ScheduledWithoutSession)],
    crosstab: None,
};

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let groups = bookings_profile(ctx).await?;
    let vocabulary = &ctx.settings.vocabulary;
    let has_legacy = has_legacy_start(ctx);

    let total: i64 = groups.iter().map(|g| g.count).sum();
    let mut without: Vec<_> = groups.iter().filter(|g| g.without_session).collect();
    let without_session: i64 = without.iter().map(|g| g.count).sum();
    let scheduled = scheduled_without_session(&groups, vocabulary, has_legacy);

    // Deterministic on every backend: NULL statuses first, then by status, then by NULL-ness.
    without.sort_by(|a, b| (&a.status, a.start_time_null).cmp(&(&b.status, b.start_time_null)));
    let mut rows = Rows::new(&["status", "start_time_null", "count"]);
    for g in &without {
        let start_null = if has_legacy {
            Cell::Bool(g.start_time_null)
        } else {
            Cell::Null
        };
        rows.push(vec![
            Cell::text(g.status.clone()),
            start_null,
            Cell::Int(g.count),
        ]);
    }

    let offenders = ctx
        .offenders(without_session, sql!("coverage_sample"))
        .await?;
    let legacy_note = if has_legacy {
        ""
    } else {
        " (the legacy start_time column is gone: every such booking with a scheduled status counts)"
    };
    // With the real platform's check-only bookings.0013 applied, drafts may lack a session:
    // they are counted apart and only scheduled bookings without one fail the check.
    let check_only = if ctx.schema.has_column(&ctx.settings.tables.migrations, "name") {
        let applied: Vec<Applied> = ctx.load(sql!("migration_state")).await?;
        check_only_0013(ctx, &applied)
    } else {
        false
    };
    // Soft-deleted bookings are not audited (every query reads the live rows); say how many.
    let soft_deleted = if soft_delete(ctx.settings, ctx.schema).is_some() {
        let all: Vec<Count> = ctx.load(sql!("bookings_count")).await?;
        all.first().map_or(0, |c| c.bookings) - total
    } else {
        0
    };
    let (status, summary) = if total == 0 {
        empty_table(&ctx.settings.tables.bookings)
    } else if check_only && scheduled == 0 && without_session > 0 {
        (
            Status::Pass,
            format!(
                "Every scheduled booking of {} references a session; {without_session} unscheduled ones (drafts) have none, which the check-only bookings.0013 allows.",
                count_of(total, "booking", "bookings")
            ),
        )
    } else if without_session == 0 {
        (
            Status::Pass,
            format!(
                "All {} reference a session.",
                count_of(total, "booking", "bookings")
            ),
        )
    } else {
        (
            offenders.status(),
            format!(
                "{without_session} of {} {} no session; {scheduled} of those {} scheduled, which blocks bookings.0013{legacy_note}.",
                count_of(total, "booking", "bookings"),
                has(without_session),
                if scheduled == 1 { "is" } else { "are" }
            ),
        )
    };
    let metrics = vec![
        ("total_bookings", total),
        ("with_session", total - without_session),
        ("without_session", without_session),
        ("scheduled_without_session", scheduled),
        ("unscheduled_without_session", without_session - scheduled),
        ("soft_deleted_bookings", soft_deleted),
    ];
    Ok(ctx.result(status, summary, metrics, rows, offenders))
}
