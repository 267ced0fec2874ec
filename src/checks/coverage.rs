//! `coverage`: every booking must reference a ServiceSession (the guide's "Should return 0").
//!
//! Also breaks the bookings without a session down by status and by whether the legacy
//! `start_time` is NULL, and counts `scheduled_without_session`: a legacy start time, no
//! session, and a status that counts as scheduled. NULL statuses count as scheduled: an
//! unknown state must not pass the gate for `bookings.0013`.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use super::{CheckContext, CheckError, CheckSpec, empty_table};
use crate::report::{Cell, CheckResult, IdKind, Rows, Status, count_of};
use crate::settings::TableRole;
use crate::sql::{Bindings, bind};

pub const SPEC: CheckSpec = CheckSpec {
    id: "coverage",
    title: "Every booking references a ServiceSession",
    needs: &[(
        TableRole::Bookings,
        &["id", "service_session_id", "status", "start_time"],
    )],
    sample_kind: IdKind::Booking,
};

#[derive(QueryableByName)]
struct Group {
    #[diesel(sql_type = Bool)]
    without_session: bool,
    #[diesel(sql_type = Nullable<Text>)]
    status: Option<String>,
    #[diesel(sql_type = Bool)]
    start_time_null: bool,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let settings = ctx.settings;
    let tables = Bindings::default().identifier("bookings", &settings.bookings_table);
    let groups: Vec<Group> = ctx
        .snapshot
        .load(bind(include_str!("../../queries/coverage.sql"), &tables)?)
        .await?;

    let total: i64 = groups.iter().map(|g| g.count).sum();
    let mut without: Vec<&Group> = groups.iter().filter(|g| g.without_session).collect();
    let without_session: i64 = without.iter().map(|g| g.count).sum();
    let is_scheduled = |g: &Group| {
        !g.start_time_null
            && g.status
                .as_ref()
                .is_none_or(|s| !settings.non_scheduled_statuses.contains(s))
    };
    let scheduled_without_session: i64 = without
        .iter()
        .filter(|g| is_scheduled(g))
        .map(|g| g.count)
        .sum();

    // Deterministic on every backend: NULL statuses first, then by status, then by NULL-ness.
    without.sort_by(|a, b| (&a.status, a.start_time_null).cmp(&(&b.status, b.start_time_null)));
    let mut rows = Rows::new(&["status", "start_time_null", "count"]);
    for g in &without {
        rows.push(vec![
            Cell::text(g.status.clone()),
            Cell::Bool(g.start_time_null),
            Cell::Int(g.count),
        ]);
    }

    let sample_ids = ctx
        .sample_ids(
            without_session,
            include_str!("../../queries/coverage_sample.sql"),
            tables,
        )
        .await?;

    let (status, summary) = if total == 0 {
        empty_table(&settings.bookings_table)
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
            Status::Fail,
            format!(
                "{without_session} of {} have no session; {scheduled_without_session} of those are scheduled, which blocks bookings.0013.",
                count_of(total, "booking", "bookings")
            ),
        )
    };
    Ok(CheckResult {
        id: super::CheckId::Coverage,
        status,
        summary,
        metrics: vec![
            ("total_bookings", total),
            ("with_session", total - without_session),
            ("without_session", without_session),
            ("scheduled_without_session", scheduled_without_session),
        ],
        rows,
        sample_kind: SPEC.sample_kind,
        sample_ids,
        sample_total: without_session,
    })
}
