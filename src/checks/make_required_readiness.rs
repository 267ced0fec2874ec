//! `make-required-readiness`: the gate for `bookings.0013_make_service_session_required`.
//! Scheduled bookings (a legacy start_time and a status not listed as not scheduled) without a
//! session fail it. Statuses outside the vocabulary, and NULL, count as scheduled (fail closed)
//! and are named. Reads the shared bookings profile; skipped once the legacy column is gone.

use super::profile::bookings_profile;
use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::report::{Cell, CheckResult, IdKind, Rows, Status, count_of, one_or_many};
use crate::settings::{Severity, TableRole};

pub const SPEC: CheckSpec = CheckSpec {
    title: "No scheduled booking blocks bookings.0013",
    severity: Severity::Error,
    needs: &[(TableRole::Bookings, &["id", "service_session_id", "status"])],
    skip_without: &[(TableRole::Bookings, &["start_time"])],
    queries: &["bookings_profile", "bookings_profile_lean", "make_required_readiness_sample"],
    sample_kind: IdKind::Booking,
    metrics: &["blocking_bookings", "unknown_status_bookings"],
    trend: &[],
    crosstab: None,
};

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let groups = bookings_profile(ctx).await?;
    let vocabulary = &ctx.settings.vocabulary;
    let mut blocking: Vec<_> = groups
        .iter()
        .filter(|g| g.without_session && !g.start_time_null && g.scheduled_status(vocabulary))
        .collect();
    blocking.sort_by(|a, b| a.status.cmp(&b.status));
    let total: i64 = blocking.iter().map(|g| g.count).sum();
    let unknown: Vec<String> = blocking
        .iter()
        .filter(|g| !g.known_status(vocabulary))
        .map(|g| {
            format!(
                "{} ({})",
                g.status
                    .as_deref()
                    .map_or("NULL".to_owned(), |s| format!("'{s}'")),
                g.count
            )
        })
        .collect();

    let mut rows = Rows::new(&["status", "known_status", "count"]);
    for g in &blocking {
        rows.push(vec![
            Cell::text(g.status.clone()),
            Cell::Bool(g.known_status(vocabulary)),
            Cell::Int(g.count),
        ]);
    }
    let offenders = ctx
        .offenders(total, sql!("make_required_readiness_sample"))
        .await?;
    let summary = if total == 0 {
        "No scheduled booking lacks a session: bookings.0013 is not blocked by scheduled bookings."
            .to_owned()
    } else {
        let unknown_note = if unknown.is_empty() {
            String::new()
        } else {
            format!(
                " Counted as scheduled because their status is not in the vocabulary: {}.",
                unknown.join(", ")
            )
        };
        format!(
            "{} with a legacy start time and no session {} bookings.0013.{unknown_note}",
            count_of(total, "scheduled booking", "scheduled bookings"),
            one_or_many(total, "blocks", "block")
        )
    };
    let status = if total == 0 {
        Status::Pass
    } else {
        offenders.status()
    };
    let metrics = vec![
        ("blocking_bookings", total),
        (
            "unknown_status_bookings",
            blocking
                .iter()
                .filter(|g| !g.known_status(vocabulary))
                .map(|g| g.count)
                .sum(),
        ),
    ];
    Ok(ctx.result(status, summary, metrics, rows, offenders))
}
