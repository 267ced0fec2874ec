//! `session-time-range`: sessions whose end is not after their start, or whose `duration`
//! (minutes) disagrees with end - start. Reminders, room bookings and calendars all assume a
//! session ends after it starts. The duration part is left out where the column is absent.

use diesel::QueryableByName;
use diesel::sql_types::BigInt;

use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::report::{Cell, CheckResult, IdKind, Rows, count_of, has};
use crate::settings::{Severity, TableRole};

pub const SPEC: CheckSpec = CheckSpec {
    title: "Sessions end after they start, as long as their duration says",
    severity: Severity::Error,
    needs: &[(TableRole::Sessions, &["id", "start_time", "end_time"])],
    skip_without: &[],
    queries: &["session_time_range", "session_time_range_sample"],
    sample_kind: IdKind::Session,
    metrics: &["bad_sessions", "end_not_after_start", "duration_mismatch"],
    trend: &[],
    crosstab: None,
};

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    end_not_after_start: i64,
    #[diesel(sql_type = BigInt)]
    duration_mismatch: i64,
    #[diesel(sql_type = BigInt)]
    sessions: i64,
    #[diesel(sql_type = BigInt)]
    unreadable: i64,
}

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let counts: Vec<Counts> = ctx.load(sql!(ctx, "session_time_range")).await?;
    let Some(c) = counts.first() else {
        return Err(CheckError::BadData(
            "the session time query returned no row".into(),
        ));
    };
    if c.unreadable > 0 {
        return Err(CheckError::BadData(format!(
            "{} {} a start or end time that is not a timestamp; fix those values",
            count_of(c.unreadable, "session", "sessions"),
            has(c.unreadable)
        )));
    }
    let mut rows = Rows::new(&["problem", "count"]);
    rows.push(vec![
        Cell::Text("end_not_after_start".into()),
        Cell::Int(c.end_not_after_start),
    ]);
    let has_duration = ctx.has_column(TableRole::Sessions, "duration");
    if has_duration {
        rows.push(vec![
            Cell::Text("duration_mismatch".into()),
            Cell::Int(c.duration_mismatch),
        ]);
    }
    let (total, end_bad, duration_bad) = (c.sessions, c.end_not_after_start, c.duration_mismatch);
    let offenders = ctx
        .offenders(total, sql!(ctx, "session_time_range_sample"))
        .await?;
    let summary = if total == 0 {
        let scope = if has_duration {
            "and matches its duration"
        } else {
            "(no duration column to compare)"
        };
        format!("Every session with both times ends after it starts {scope}.")
    } else {
        format!(
            "{} {} an impossible time range: {end_bad} {} at or before {} start, {duration_bad} {} with {} duration.",
            count_of(total, "session", "sessions"),
            has(total),
            if end_bad == 1 { "ends" } else { "end" },
            if end_bad == 1 { "its" } else { "their" },
            if duration_bad == 1 {
                "disagrees"
            } else {
                "disagree"
            },
            if duration_bad == 1 { "its" } else { "their" },
        )
    };
    let status = offenders.status();
    let metrics = vec![
        ("bad_sessions", total),
        ("end_not_after_start", end_bad),
        ("duration_mismatch", duration_bad),
    ];
    Ok(ctx.result(status, summary, metrics, rows, offenders))
}
