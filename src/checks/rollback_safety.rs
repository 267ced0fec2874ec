//! `rollback-safety`: what the guide's rollback of services.0019 would destroy. It deletes
//! every individual/private session; bookings that reference one fall back to their legacy
//! times, and those without a legacy start_time lose their schedule. A warning by default: the
//! data is fine today, the rollback plan is not.

use super::booking_join::{self, booking_join, total};
use super::session_load::session_load;
use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::report::{CheckResult, IdKind, Rows, count_of, has, one_or_many};
use crate::settings::Severity;

#[derive(diesel::QueryableByName)]
struct LosingSessions {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

pub const SPEC: CheckSpec = CheckSpec {
    title: "Rolling back services.0019 loses no schedule",
    severity: Severity::Warning,
    needs: booking_join::READS,
    skip_without: &[],
    queries: &[
        "booking_join",
        "bookings_id_range",
        "session_load",
        "rollback_safety_sessions",
        "rollback_safety_sample",
    ],
    sample_kind: IdKind::Session,
    metrics: &["individual_sessions", "bookings_referencing", "bookings_losing_schedule", "sessions_losing_schedule", "draft_sessions_without_times"],
    trend: &[],
    crosstab: None,
};

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    // Bookings are counted in the booking join, sessions in the sessions' load.
    let groups = booking_join(ctx).await?;
    let bookings = total(&groups, |g| g.individual);
    let lost = total(&groups, |g| g.individual_losing);
    let load = session_load(ctx).await?;
    let sessions = load.individual_sessions;
    // PostgreSQL's load leaves these out; a session loses its schedule exactly when one of
    // its bookings does, so they are counted only then.
    let lost_sessions = match load.sessions_losing_schedule {
        Some(n) => n,
        None if lost == 0 => 0,
        None => {
            let rows: Vec<LosingSessions> = ctx.load(sql!("rollback_safety_sessions")).await?;
            rows.first().map_or(0, |r| r.count)
        }
    };
    let offenders = ctx
        .offenders(lost_sessions, sql!("rollback_safety_sample"))
        .await?;
    let (t, v) = &ctx.settings.vocabulary.individual;
    let summary = format!(
        "Rolling back services.0019 deletes {} referenced by {}; {}.",
        count_of(sessions, &format!("{t}/{v} session"), &format!("{t}/{v} sessions")),
        count_of(bookings, "booking", "bookings"),
        if lost == 0 {
            format!(
                "{} a legacy start time to fall back to",
                one_or_many(bookings, "it keeps", "all of them keep")
            )
        } else {
            format!(
                "{lost} of those bookings {} no legacy start time and would lose {} schedule",
                has(lost),
                one_or_many(lost, "its", "their")
            )
        }
    );
    let status = offenders.status();
    let metrics = vec![
        ("individual_sessions", sessions),
        ("bookings_referencing", bookings),
        ("bookings_losing_schedule", lost),
        ("sessions_losing_schedule", lost_sessions),
        // Not yet scheduled: nothing for a rollback to lose.
        ("draft_sessions_without_times", load.draft_sessions_without_times),
    ];
    Ok(ctx.result(status, summary, metrics, Rows::default(), offenders))
}
