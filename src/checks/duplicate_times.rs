//! `duplicate-times`: workshops and courses must not have two sessions of the same service at
//! the same start time.
//!
//! Fixes the guide's query, which groups NULL start times together and so reports every
//! not-yet-scheduled workshop as a duplicate. The groups are found in SQL; Rust only reads them.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::db::types::AnyInteger;
use crate::report::{Cell, CheckResult, IdKind, Rows, count_of, one_or_many};
use crate::vocab::Trend;
use crate::settings::{Severity, TableRole};
use crate::time::parse_db_time;

pub const SPEC: CheckSpec = CheckSpec {
    title: "Workshops and courses have no duplicate times",
    severity: Severity::Error,
    needs: &[(
        TableRole::Sessions,
        &["id", "service_id", "session_type", "start_time"],
    )],
    skip_without: &[],
    queries: &["duplicate_times"],
    sample_kind: IdKind::Session,
    metrics: &["duplicate_groups", "duplicate_sessions"],
    trend: &[("duplicate_groups", Trend::DuplicateGroups)],
    crosstab: None,
};

#[derive(QueryableByName)]
struct Group {
    #[diesel(sql_type = AnyInteger)]
    service_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    start_time: Option<String>,
    #[diesel(sql_type = BigInt)]
    count: i64,
    #[diesel(sql_type = Text)]
    session_ids: String,
}

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let groups: Vec<Group> = ctx
        .load_tuned(sql!(ctx, "duplicate_times"), "duplicate_times")
        .await?;
    let table = &ctx.settings.tables.sessions;

    let mut parsed = Vec::with_capacity(groups.len());
    for group in groups {
        let ids = parse_ids(&group.session_ids)?;
        let Some(text) = group.start_time else {
            return Err(CheckError::BadData(format!(
                "{} in {table} (ids {}) {} a start_time that is not a timestamp; fix those values (Django writes e.g. 2025-01-15 14:00:00)",
                count_of(group.count, "session", "sessions"),
                ids.iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                if group.count == 1 { "has" } else { "have" }
            )));
        };
        let start = parse_db_time(&text).map_err(CheckError::BadData)?;
        parsed.push((group.service_id, start, group.count, ids));
    }
    parsed.sort_by_key(|g| (g.0, g.1));

    let mut rows = Rows::new(&["service_id", "start_time", "count", "session_ids"]);
    let mut all_ids = Vec::new();
    for (service_id, start, count, ids) in &parsed {
        all_ids.extend(ids.iter().copied());
        rows.push(vec![
            Cell::Int(*service_id),
            Cell::Time(*start),
            Cell::Int(*count),
            Cell::Ids(ids.clone()),
        ]);
    }
    let offenders = ctx.offenders_in(&all_ids);
    let groups = parsed.len() as i64;
    let sessions: i64 = parsed.iter().map(|g| g.2).sum();
    let summary = if groups == 0 {
        "No workshop or course session shares its service and start time with another.".to_owned()
    } else {
        format!(
            "{} of workshop/course sessions {} a service and start time ({} in all).",
            count_of(groups, "group", "groups"),
            one_or_many(groups, "shares", "share"),
            count_of(sessions, "session", "sessions")
        )
    };
    let status = offenders.status();
    let metrics = vec![
        ("duplicate_groups", groups),
        ("duplicate_sessions", sessions),
    ];
    Ok(ctx.result(status, summary, metrics, rows, offenders))
}

/// Reads the comma-separated ids the aggregate returns, sorted (`group_concat` has no order).
fn parse_ids(text: &str) -> Result<Vec<i64>, CheckError> {
    let mut ids = text
        .split(',')
        .map(|id| id.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| CheckError::BadData(format!("session ids `{text}` are not integers")))?;
    ids.sort_unstable();
    Ok(ids)
}
