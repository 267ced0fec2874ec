//! `type-matches-service`: each session's session_type is the one its service's type calls
//! for (by default workshop -> workshop, course -> course_session, anything else ->
//! individual). A mismatch puts a workshop on the 1-to-1 path or the reverse.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::report::{Cell, CheckResult, IdKind, Rows, count_of, has, one_or_many};
use crate::settings::{Severity, TableRole};

pub const SPEC: CheckSpec = CheckSpec {
    title: "Session types match their service's type",
    severity: Severity::Error,
    needs: &[
        (TableRole::Sessions, &["id", "service_id", "session_type"]),
        (TableRole::Services, &["id", "service_type_id"]),
        (TableRole::ServiceTypes, &["id", "code"]),
    ],
    skip_without: &[],
    queries: &["type_matches_service", "type_matches_service_sample"],
    sample_kind: IdKind::Session,
    metrics: &["checked_sessions", "mismatched_sessions"],
    trend: &[],
    crosstab: None,
};

#[derive(QueryableByName)]
struct Group {
    #[diesel(sql_type = Nullable<Text>)]
    service_type_code: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    session_type: Option<String>,
    #[diesel(sql_type = Text)]
    expected_type: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let groups: Vec<Group> = ctx.load(sql!(ctx, "type_matches_service")).await?;
    let checked: i64 = groups.iter().map(|g| g.count).sum();
    let mut wrong: Vec<&Group> = groups
        .iter()
        .filter(|g| g.session_type.as_ref() != Some(&g.expected_type))
        .collect();
    wrong.sort_by(|a, b| {
        (&a.service_type_code, &a.session_type).cmp(&(&b.service_type_code, &b.session_type))
    });
    let total: i64 = wrong.iter().map(|g| g.count).sum();
    let mut rows = Rows::new(&[
        "service_type_code",
        "session_type",
        "expected_type",
        "count",
    ]);
    for g in &wrong {
        rows.push(vec![
            Cell::text(g.service_type_code.clone()),
            Cell::text(g.session_type.clone()),
            Cell::Text(g.expected_type.clone()),
            Cell::Int(g.count),
        ]);
    }
    let offenders = ctx
        .offenders(total, sql!("type_matches_service_sample"))
        .await?;
    let summary = if total == 0 {
        format!(
            "All {} have the session_type their service's type calls for.",
            count_of(checked, "session", "sessions")
        )
    } else {
        format!(
            "{total} of {} {} a session_type other than the one {} service's type calls for.",
            count_of(checked, "session", "sessions"),
            has(total),
            one_or_many(total, "its", "their")
        )
    };
    let status = offenders.status();
    Ok(ctx.result(
        status,
        summary,
        vec![
            ("checked_sessions", checked),
            ("mismatched_sessions", total),
        ],
        rows,
        offenders,
    ))
}
