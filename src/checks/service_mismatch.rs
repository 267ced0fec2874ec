//! `service-mismatch`: bookings whose service differs from their session's service. The
//! session is the source of truth, so such a booking is shown, billed and reminded as one
//! service and held in the room of another.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable};

use super::booking_join::{self, booking_join, total};
use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::db::types::AnyInteger;
use crate::report::{Cell, CheckResult, IdKind, Rows, count_of, has};
use crate::settings::Severity;

pub const SPEC: CheckSpec = CheckSpec {
    title: "Bookings and their sessions are for the same service",
    severity: Severity::Error,
    needs: booking_join::READS,
    skip_without: &[],
    queries: &[
        "booking_join",
        "bookings_id_range",
        "service_mismatch",
        "service_mismatch_sample",
    ],
    sample_kind: IdKind::Booking,
    metrics: &["mismatched_bookings", "service_pairs"],
    trend: &[],
    crosstab: None,
};

#[derive(QueryableByName)]
struct Pair {
    #[diesel(sql_type = Nullable<AnyInteger>)]
    booking_service_id: Option<i64>,
    #[diesel(sql_type = Nullable<AnyInteger>)]
    session_service_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let total = total(&booking_join(ctx).await?, |g| g.service_mismatch);
    let mut pairs: Vec<Pair> = if total > 0 {
        // The pairs of services: only read when something mismatches.
        ctx.load(sql!("service_mismatch")).await?
    } else {
        Vec::new()
    };
    pairs.sort_by_key(|p| (p.booking_service_id, p.session_service_id));
    let mut rows = Rows::new(&["booking_service_id", "session_service_id", "count"]);
    for p in &pairs {
        let id = |v: Option<i64>| v.map_or(Cell::Null, Cell::Int);
        rows.push(vec![
            id(p.booking_service_id),
            id(p.session_service_id),
            Cell::Int(p.count),
        ]);
    }
    let offenders = ctx
        .offenders(total, sql!("service_mismatch_sample"))
        .await?;
    let summary = if total == 0 {
        "Every booking is for the same service as its session.".to_owned()
    } else {
        format!(
            "{} {} a service that differs from its session's ({}).",
            count_of(total, "booking", "bookings"),
            has(total),
            count_of(pairs.len() as i64, "pair of services", "pairs of services")
        )
    };
    let status = offenders.status();
    Ok(ctx.result(
        status,
        summary,
        vec![
            ("mismatched_bookings", total),
            ("service_pairs", pairs.len() as i64),
        ],
        rows,
        offenders,
    ))
}
