//! `orphan-sessions`: individual/private sessions no booking references. Migration 0019 makes
//! one per 1-to-1 booking, so an orphan was left by a deleted booking or a failed creation.
//! Information by default: harmless to the schedule, but it holds a slot in calendars.

use super::session_load::session_load;
use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::report::{CheckResult, IdKind, Rows};
use crate::settings::{Severity, TableRole};

pub const SPEC: CheckSpec = CheckSpec {
    title: "Individual sessions have a booking",
    severity: Severity::Info,
    needs: &[
        (TableRole::Sessions, &["id", "session_type", "visibility"]),
        (TableRole::Bookings, &["service_session_id", "status"]),
    ],
    skip_without: &[],
    queries: &["session_load", "orphan_sessions_sample"],
    sample_kind: IdKind::Session,
    metrics: &["orphan_sessions"],
    trend: &[],
    crosstab: None,
};

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let orphans = session_load(ctx).await?.orphan_sessions;
    let offenders = ctx
        .offenders(orphans, sql!("orphan_sessions_sample"))
        .await?;
    let (t, v) = &ctx.settings.vocabulary.individual;
    let summary = if orphans == 0 {
        format!("Every {t}/{v} session has a booking.")
    } else {
        let (noun, verb) = if orphans == 1 {
            ("session", "has")
        } else {
            ("sessions", "have")
        };
        format!("{orphans} {t}/{v} {noun} {verb} no booking.")
    };
    let status = offenders.status();
    Ok(ctx.result(
        status,
        summary,
        vec![("orphan_sessions", orphans)],
        Rows::default(),
        offenders,
    ))
}
