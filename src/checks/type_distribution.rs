//! `type-distribution`: sessions per (session_type, visibility), each pair judged.
//!
//! `expected`: a pair the migration produces. `unexpected` (a warning): both values are known
//! but the pair is not expected. `unknown` (a failure): a value outside the vocabularies,
//! including NULL and the empty string; compared exactly, so `Workshop` and `workshop ` are
//! unknown. Expected pairs with no sessions are listed as `missing` (information only).

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::{CheckContext, CheckError, CheckId, CheckSpec, empty_table};
use crate::db::BackendKind;
use crate::report::{Cell, CheckResult, IdKind, Rows, Status, count_of};
use crate::settings::{AuditSettings, TableRole};
use crate::sql::{Bindings, bind};
use crate::time::parse_db_time;

pub const SPEC: CheckSpec = CheckSpec {
    id: "type-distribution",
    title: "Session types and visibilities are the expected pairs",
    needs: &[(
        TableRole::Sessions,
        &["id", "session_type", "visibility", "start_time"],
    )],
    sample_kind: IdKind::Session,
};

#[derive(QueryableByName)]
struct Pair {
    #[diesel(sql_type = Nullable<Text>)]
    session_type: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    visibility: Option<String>,
    #[diesel(sql_type = BigInt)]
    count: i64,
    #[diesel(sql_type = Nullable<Text>)]
    earliest: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    latest: Option<String>,
    #[diesel(sql_type = BigInt)]
    unreadable_times: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PairVerdict {
    Expected,
    Unexpected,
    Unknown,
    Missing,
}

impl PairVerdict {
    fn as_str(self) -> &'static str {
        match self {
            PairVerdict::Expected => "expected",
            PairVerdict::Unexpected => "unexpected",
            PairVerdict::Unknown => "unknown",
            PairVerdict::Missing => "missing",
        }
    }
}

fn judge(
    settings: &AuditSettings,
    session_type: Option<&str>,
    visibility: Option<&str>,
) -> PairVerdict {
    let (Some(t), Some(v)) = (session_type, visibility) else {
        return PairVerdict::Unknown;
    };
    if !settings.session_types.iter().any(|k| k == t)
        || !settings.visibilities.iter().any(|k| k == v)
    {
        PairVerdict::Unknown
    } else if settings
        .expected_pairs
        .iter()
        .any(|(et, ev)| et == t && ev == v)
    {
        PairVerdict::Expected
    } else {
        PairVerdict::Unexpected
    }
}

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let settings = ctx.settings;
    let tables = Bindings::default().identifier("sessions", &settings.sessions_table);
    let template = match ctx.snapshot.backend() {
        BackendKind::Postgres => include_str!("../../queries/type_distribution.postgres.sql"),
        BackendKind::Sqlite => include_str!("../../queries/type_distribution.sqlite.sql"),
    };
    let mut pairs: Vec<Pair> = ctx.snapshot.load(bind(template, &tables)?).await?;

    let unreadable: i64 = pairs.iter().map(|p| p.unreadable_times).sum();
    if unreadable > 0 {
        return Err(CheckError::BadData(format!(
            "{} in {} {} a start_time that is not a timestamp, so they cannot be ordered or compared; \
             fix those values (Django writes e.g. 2025-01-15 14:00:00)",
            count_of(unreadable, "session", "sessions"),
            settings.sessions_table,
            if unreadable == 1 { "has" } else { "have" }
        )));
    }

    pairs.sort_by(|a, b| (&a.session_type, &a.visibility).cmp(&(&b.session_type, &b.visibility)));
    let total: i64 = pairs.iter().map(|p| p.count).sum();
    let mut rows = Rows::new(&[
        "session_type",
        "visibility",
        "count",
        "earliest",
        "latest",
        "verdict",
    ]);
    let (mut unknown, mut unexpected) = (0i64, 0i64);
    for pair in &pairs {
        let verdict = judge(
            settings,
            pair.session_type.as_deref(),
            pair.visibility.as_deref(),
        );
        match verdict {
            PairVerdict::Unknown => unknown += pair.count,
            PairVerdict::Unexpected => unexpected += pair.count,
            _ => {}
        }
        let time = |t: &Option<String>| {
            t.as_deref()
                .map(parse_db_time)
                .transpose()
                .map_err(CheckError::BadData)
        };
        rows.push(vec![
            Cell::text(pair.session_type.clone()),
            Cell::text(pair.visibility.clone()),
            Cell::Int(pair.count),
            Cell::time(time(&pair.earliest)?),
            Cell::time(time(&pair.latest)?),
            Cell::Text(verdict.as_str().to_owned()),
        ]);
    }
    let mut missing = 0i64;
    for (t, v) in &settings.expected_pairs {
        let present = pairs
            .iter()
            .any(|p| p.session_type.as_ref() == Some(t) && p.visibility.as_ref() == Some(v));
        if !present {
            missing += 1;
            rows.push(vec![
                Cell::Text(t.clone()),
                Cell::Text(v.clone()),
                Cell::Int(0),
                Cell::Null,
                Cell::Null,
                Cell::Text(PairVerdict::Missing.as_str().to_owned()),
            ]);
        }
    }

    let bindings = tables
        .texts("session_types", &settings.session_types)
        .texts("visibilities", &settings.visibilities);
    let sample_ids = ctx
        .sample_ids(
            unknown,
            include_str!("../../queries/type_distribution_sample.sql"),
            bindings,
        )
        .await?;

    let (status, summary) = if total == 0 {
        empty_table(&settings.sessions_table)
    } else if unknown > 0 {
        (
            Status::Fail,
            format!(
                "{unknown} of {} have an unknown session_type or visibility (NULL, empty or outside the vocabulary).",
                count_of(total, "session", "sessions")
            ),
        )
    } else if unexpected > 0 {
        (
            Status::Warn,
            format!(
                "{unexpected} of {} have a known but unexpected (session_type, visibility) pair.",
                count_of(total, "session", "sessions")
            ),
        )
    } else {
        (
            Status::Pass,
            format!(
                "All {} have an expected (session_type, visibility) pair.",
                count_of(total, "session", "sessions")
            ),
        )
    };
    Ok(CheckResult {
        id: CheckId::TypeDistribution,
        status,
        summary,
        metrics: vec![
            ("total_sessions", total),
            ("pairs", pairs.len() as i64),
            ("unknown_sessions", unknown),
            ("unexpected_sessions", unexpected),
            ("missing_pairs", missing),
        ],
        rows,
        sample_kind: SPEC.sample_kind,
        sample_ids,
        sample_total: unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_judged_exactly() {
        let s = AuditSettings::default();
        assert_eq!(
            judge(&s, Some("individual"), Some("private")),
            PairVerdict::Expected
        );
        assert_eq!(
            judge(&s, Some("workshop"), Some("private")),
            PairVerdict::Unexpected
        );
        assert_eq!(
            judge(&s, Some("Workshop"), Some("public")),
            PairVerdict::Unknown
        );
        assert_eq!(
            judge(&s, Some("workshop "), Some("public")),
            PairVerdict::Unknown
        );
        assert_eq!(judge(&s, Some("workshop"), Some("")), PairVerdict::Unknown);
        assert_eq!(judge(&s, None, Some("public")), PairVerdict::Unknown);
    }
}
