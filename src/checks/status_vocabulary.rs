//! `status-vocabulary`: booking statuses outside the configured vocabulary, NULL included.
//! `cancelled` next to `canceled` is exactly what breaks every gate that filters by status, so
//! each unknown value is shown with the known value it most resembles. Compared exactly.
//! Reads the shared bookings profile.

use std::collections::BTreeMap;

use super::profile::bookings_profile;
use super::{CheckContext, CheckError, CheckSpec, sql};
use crate::report::{Cell, CheckResult, IdKind, Rows, count_of, has};
use crate::vocab::Trend;
use crate::settings::{Severity, TableRole};

pub const SPEC: CheckSpec = CheckSpec {
    title: "Booking statuses are in the vocabulary",
    severity: Severity::Error,
    needs: &[(TableRole::Bookings, &["id", "service_session_id", "status"])],
    skip_without: &[],
    queries: &["bookings_profile", "status_vocabulary_sample"],
    sample_kind: IdKind::Booking,
    metrics: &["total_bookings", "unknown_status_bookings", "unknown_values"],
    trend: &[("unknown_status_bookings", Trend::UnknownValues)],
    crosstab: None,
};

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let groups = bookings_profile(ctx).await?;
    let vocabulary = &ctx.settings.vocabulary;
    let total: i64 = groups.iter().map(|g| g.count).sum();
    let mut unknown: BTreeMap<Option<String>, i64> = BTreeMap::new();
    for g in groups.iter().filter(|g| !g.known_status(vocabulary)) {
        *unknown.entry(g.status.clone()).or_default() += g.count;
    }
    let unknown_total: i64 = unknown.values().sum();

    let mut rows = Rows::new(&["status", "count", "closest_known"]);
    for (status, count) in &unknown {
        let closest = status.as_deref().and_then(|s| {
            vocabulary
                .statuses
                .iter()
                .map(|k| (strsim::jaro_winkler(&s.trim().to_lowercase(), k), k))
                .filter(|(score, _)| *score >= 0.85)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, k)| k.clone())
        });
        rows.push(vec![
            Cell::text(status.clone()),
            Cell::Int(*count),
            Cell::text(closest),
        ]);
    }
    let offenders = ctx
        .offenders(unknown_total, sql!("status_vocabulary_sample"))
        .await?;
    let summary = if unknown_total == 0 {
        format!(
            "All {} have a known status.",
            count_of(total, "booking", "bookings")
        )
    } else {
        let values: Vec<String> = unknown
            .keys()
            .map(|s| s.as_deref().map_or("NULL".to_owned(), |s| format!("'{s}'")))
            .collect();
        format!(
            "{unknown_total} of {} {} a status outside the vocabulary: {}.",
            count_of(total, "booking", "bookings"),
            has(unknown_total),
            values.join(", ")
        )
    };
    let metrics = vec![
        ("total_bookings", total),
        ("unknown_status_bookings", unknown_total),
        ("unknown_values", unknown.len() as i64),
    ];
    let status = offenders.status();
    Ok(ctx.result(status, summary, metrics, rows, offenders))
}
