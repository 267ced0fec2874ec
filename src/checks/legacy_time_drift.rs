//! `legacy-time-drift`: bookings whose legacy start/end times disagree with their session's.
//! This is what makes "times not displaying correctly" (the guide's troubleshooting): old code
//! reads the booking, new code the session. Skipped once the legacy columns are gone.

use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text};

use super::booking_join::{self, booking_join, total};
use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::db::types::AnyInteger;
use crate::report::{Cell, CheckResult, IdKind, Rows, count_of, has};
use crate::settings::{Severity, TableRole};
use crate::time::parse_db_time;

/// How many drifted bookings get their times shown side by side.
const ROWS_SHOWN: usize = 100;

pub const SPEC: CheckSpec = CheckSpec {
    title: "Legacy booking times agree with their session",
    severity: Severity::Error,
    needs: booking_join::READS,
    skip_without: &[(TableRole::Bookings, &["start_time", "end_time"])],
    queries: &[
        "booking_join",
        "bookings_id_range",
        "legacy_time_drift_sample",
        "legacy_time_drift_rows",
    ],
    sample_kind: IdKind::Booking,
    metrics: &["drifted_bookings", "start_drift", "end_drift"],
    trend: &[],
    crosstab: None,
};

#[derive(QueryableByName)]
struct Drift {
    #[diesel(sql_type = AnyInteger)]
    booking_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    legacy_start: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    session_start: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    legacy_end: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    session_end: Option<String>,
}

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let tolerance = ctx.settings.check(ctx.id).tolerance_seconds as i64;
    let groups = booking_join(ctx).await?;
    let drifted = total(&groups, |g| g.drifted);
    let start_drift = total(&groups, |g| g.start_drift);
    let end_drift = total(&groups, |g| g.end_drift);
    let unreadable = total(&groups, |g| g.unreadable_drift);
    if unreadable > 0 {
        return Err(CheckError::BadData(format!(
            "{} {} a start or end time, on the booking or its session, that is not a timestamp; fix those values",
            count_of(unreadable, "booking", "bookings"),
            has(unreadable)
        )));
    }
    let offenders = ctx
        .offenders_with(drifted, sql!(ctx, "legacy_time_drift_sample"), |b| {
            b.int("tolerance_seconds", tolerance)
        })
        .await?;

    let mut rows = Rows::new(&[
        "booking_id",
        "legacy_start",
        "session_start",
        "legacy_end",
        "session_end",
    ]);
    if !offenders.sample.is_empty() {
        // The side-by-side rows are for reading: at most a page of them, even for
        // `--sample all` (whose ids are all in `sample_ids`).
        let ids = offenders.sample.first(ROWS_SHOWN)?;
        let drifts: Vec<Drift> = ctx
            .load_with(sql!(ctx, "legacy_time_drift_rows"), |b| {
                b.ints("sample_ids", &ids)
            })
            .await?;
        let time = |t: &Option<String>| {
            t.as_deref()
                .map(parse_db_time)
                .transpose()
                .map_err(CheckError::BadData)
        };
        for d in &drifts {
            rows.push(vec![
                Cell::Int(d.booking_id),
                Cell::time(time(&d.legacy_start)?),
                Cell::time(time(&d.session_start)?),
                Cell::time(time(&d.legacy_end)?),
                Cell::time(time(&d.session_end)?),
            ]);
        }
    }
    let summary = if drifted == 0 {
        "Every legacy booking time agrees with its session's.".to_owned()
    } else {
        format!(
            "{} {} legacy times that disagree with their session's ({start_drift} start, {end_drift} end; tolerance {tolerance} s).",
            count_of(drifted, "booking", "bookings"),
            has(drifted)
        )
    };
    let status = offenders.status();
    let metrics = vec![
        ("drifted_bookings", drifted),
        ("start_drift", start_drift),
        ("end_drift", end_drift),
    ];
    Ok(ctx.result(status, summary, metrics, rows, offenders))
}
