//! `dangling-session`: bookings whose service_session_id points to no session. Possible where
//! foreign keys are not enforced (SQLite, MySQL's MyISAM) or after raw deletes; such a booking
//! has a schedule reference that leads nowhere.

use diesel::QueryableByName;
use diesel::sql_types::BigInt;

use super::booking_join::{self, booking_join, total};
use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::db::types::AnyInteger;
use crate::report::{Cell, CheckResult, IdKind, Rows, count_of, one_or_many};
use crate::settings::Severity;

pub const SPEC: CheckSpec = CheckSpec {
    title: "Every session a booking references exists",
    severity: Severity::Error,
    needs: booking_join::READS,
    skip_without: &[],
    queries: &[
        "booking_join",
        "bookings_id_range",
        "dangling_session_rows",
        "dangling_session_sample",
    ],
    sample_kind: IdKind::Booking,
    metrics: &["dangling_bookings", "missing_sessions"],
    trend: &[],
    crosstab: None,
};

#[derive(QueryableByName)]
struct Missing {
    #[diesel(sql_type = AnyInteger)]
    service_session_id: i64,
    #[diesel(sql_type = BigInt)]
    bookings: i64,
}

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let bookings = total(&booking_join(ctx).await?, |g| g.dangling);
    let mut rows = Rows::new(&["service_session_id", "bookings"]);
    let mut missing = 0;
    if bookings > 0 {
        // One row per missing session: only read when something dangles.
        let found: Vec<Missing> = ctx.load(sql!("dangling_session_rows")).await?;
        missing = found.len() as i64;
        for m in found {
            rows.push(vec![Cell::Int(m.service_session_id), Cell::Int(m.bookings)]);
        }
    }
    let offenders = ctx
        .offenders(bookings, sql!("dangling_session_sample"))
        .await?;
    let summary = if bookings == 0 {
        "Every session a booking references exists.".to_owned()
    } else {
        format!(
            "{} {} {} that {} not exist in {}.",
            count_of(bookings, "booking", "bookings"),
            one_or_many(bookings, "references", "reference"),
            count_of(missing, "session", "sessions"),
            one_or_many(missing, "does", "do"),
            ctx.settings.tables.sessions
        )
    };
    let status = offenders.status();
    let metrics = vec![
        ("dangling_bookings", bookings),
        ("missing_sessions", missing),
    ];
    Ok(ctx.result(status, summary, metrics, rows, offenders))
}
