//! `type-distribution`: sessions per (session_type, visibility), each pair judged.
//!
//! `expected`: a pair the migration produces. `unexpected` (a warning): both values are known
//! but the pair is not expected. `unknown` (a failure): a value outside the vocabularies,
//! including NULL and the empty string; compared exactly, so `Workshop` and `workshop ` are
//! unknown. Expected pairs with no sessions are listed as `missing` (information only).

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::{CheckContext, CheckError, CheckSpec, empty_table, sql};
use crate::report::{Cell, CheckResult, IdKind, Rows, Status, count_of, has};
use crate::vocab::Trend;
use crate::settings::{Severity, TableRole, Vocabulary};
use crate::time::parse_db_time;

pub const SPEC: CheckSpec = CheckSpec {
    title: "Session types and visibilities are the expected pairs",
    severity: Severity::Error,
    needs: &[(
        TableRole::Sessions,
        &["id", "session_type", "visibility", "start_time"],
    )],
    skip_without: &[],
    queries: &["type_distribution", "type_distribution_sample"],
    sample_kind: IdKind::Session,
    metrics: &["total_sessions", "pairs", "unknown_sessions", "unexpected_sessions", "missing_pairs"],
    trend: &[("unknown_sessions", Trend::UnknownValues)],
    crosstab: Some(["session_type", "visibility", "count"]),
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

fn judge(v: &Vocabulary, session_type: Option<&str>, visibility: Option<&str>) -> PairVerdict {
    let (Some(t), Some(vis)) = (session_type, visibility) else {
        return PairVerdict::Unknown;
    };
    if !v.session_types.iter().any(|k| k == t) || !v.visibilities.iter().any(|k| k == vis) {
        PairVerdict::Unknown
    } else if v.expected_pairs.iter().any(|(et, ev)| et == t && ev == vis) {
        PairVerdict::Expected
    } else {
        PairVerdict::Unexpected
    }
}

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let mut pairs: Vec<Pair> = ctx.load(sql!(ctx, "type_distribution")).await?;
    let table = ctx.settings.tables.sessions.clone();
    let vocabulary = &ctx.settings.vocabulary;

    let unreadable: i64 = pairs.iter().map(|p| p.unreadable_times).sum();
    if unreadable > 0 {
        return Err(CheckError::BadData(format!(
            "{} in {table} {} a start_time that is not a timestamp, so they cannot be ordered or compared; \
             fix those values (Django writes e.g. 2025-01-15 14:00:00)",
            count_of(unreadable, "session", "sessions"),
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
            vocabulary,
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
    for (t, v) in &vocabulary.expected_pairs {
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

    let offenders = ctx
        .offenders(unknown, sql!("type_distribution_sample"))
        .await?;
    let sessions = count_of(total, "session", "sessions");
    let (status, summary) = if total == 0 {
        empty_table(&table)
    } else if offenders.unwaived() > 0 {
        (
            Status::Fail,
            format!(
                "{unknown} of {sessions} {} an unknown session_type or visibility (NULL, empty or outside the vocabulary).",
                has(unknown)
            ),
        )
    } else if unexpected > 0 {
        (
            Status::Warn,
            format!(
                "{unexpected} of {sessions} {} a known but unexpected (session_type, visibility) pair.",
                has(unexpected)
            ),
        )
    } else {
        (
            Status::Pass,
            format!("All {sessions} have an expected (session_type, visibility) pair."),
        )
    };
    let metrics = vec![
        ("total_sessions", total),
        ("pairs", pairs.len() as i64),
        ("unknown_sessions", unknown),
        ("unexpected_sessions", unexpected),
        ("missing_pairs", missing),
    ];
    Ok(ctx.result(status, summary, metrics, rows, offenders))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_judged_exactly() {
        let s = Vocabulary::default();
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
