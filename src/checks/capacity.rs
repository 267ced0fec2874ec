//! `capacity`: participant counts that agree with the bookings. A session's
//! `current_participants` must equal its bookings that are not canceled; those must not exceed
//! `max_participants`; an individual session holds one booking and has a maximum of one.

use super::session_load::session_load;
use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::report::{Cell, CheckResult, IdKind, Rows, count_of, has};
use crate::settings::{Severity, TableRole};

pub const SPEC: CheckSpec = CheckSpec {
    title: "Participant counts agree with the bookings",
    severity: Severity::Error,
    needs: &[
        (
            TableRole::Sessions,
            &[
                "id",
                "session_type",
                "max_participants",
                "current_participants",
                "visibility",
            ],
        ),
        (TableRole::Bookings, &["id", "service_session_id", "status"]),
    ],
    skip_without: &[],
    queries: &["session_load", "capacity_sample"],
    sample_kind: IdKind::Session,
    metrics: &["sessions_with_problems", "current_participants_mismatch", "over_capacity", "individual_overbooked", "individual_max_not_one", "canceled_sessions_excluded", "draft_sessions_excluded"],
    trend: &[],
    crosstab: None,
};

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let c = session_load(ctx).await?;
    let problems = [
        ("current_participants_mismatch", c.count_mismatch),
        ("over_capacity", c.over_capacity),
        ("individual_overbooked", c.individual_overbooked),
        ("individual_max_not_one", c.individual_max_not_one),
    ];
    let mut rows = Rows::new(&["problem", "count"]);
    for (problem, count) in problems {
        rows.push(vec![Cell::Text(problem.into()), Cell::Int(count)]);
    }
    let total = c.sessions_with_capacity_problems;
    let offenders = ctx.offenders(total, sql!("capacity_sample")).await?;
    let summary = if total == 0 {
        "Every session's participant counts agree with its bookings.".to_owned()
    } else {
        let found: Vec<String> = problems
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| format!("{n} {}", p.replace('_', " ")))
            .collect();
        format!(
            "{} {} capacity problems: {}.",
            count_of(total, "session", "sessions"),
            has(total),
            found.join(", ")
        )
    };
    let mut metrics = vec![("sessions_with_problems", total)];
    metrics.extend(problems);
    // A canceled session's counts no longer matter (it may still count its participant).
    metrics.push(("canceled_sessions_excluded", c.canceled_sessions));
    // A draft without times holds no seat yet.
    metrics.push(("draft_sessions_excluded", c.draft_sessions_without_times));
    let status = offenders.status();
    Ok(ctx.result(status, summary, metrics, rows, offenders))
}
