//! An audit from start to end: connect, open the snapshot, read the schema, run the checks.
//!
//! Never returns an error: anything that stops the audit becomes the report's `error`, so that
//! machine-readable outputs still say `verdict: error` (an error is never a pass).

use crate::checks::runner::run_checks;
use crate::db::{DatabaseUrl, Reading, Schema, SnapshotOptions};
use crate::report::{Fingerprint, Report};
use crate::settings::AuditSettings;
use crate::vocab::CheckId;

/// The columns a schema may or may not have that change what the checks mean: the legacy
/// booking times (legacy-time-drift, rollback-safety, coverage), the sessions' duration and
/// capacity, their lifecycle status, and the bookings' soft-delete column.
pub fn optional_columns(schema: &Schema, settings: &AuditSettings) -> Vec<String> {
    let t = &settings.tables;
    let lifecycle = settings.vocabulary.session_status_column.as_str();
    let soft_delete = crate::checks::soft_delete(settings, schema).map(|d| match d {
        crate::sql::SoftDelete::Flag(c) | crate::sql::SoftDelete::Stamp(c) => c,
    });
    let mut used: Vec<String> = [
        ("bookings", t.bookings.as_str(), "start_time"),
        ("bookings", t.bookings.as_str(), "end_time"),
        ("sessions", t.sessions.as_str(), "duration"),
        ("sessions", t.sessions.as_str(), "max_participants"),
        ("sessions", t.sessions.as_str(), lifecycle),
    ]
    .into_iter()
    .filter(|(_, table, column)| schema.has_column(table, column))
    .map(|(role, _, column)| format!("{role}.{column}"))
    .collect();
    // The soft-delete column, by the name the database has (the view filters on it).
    used.extend(soft_delete.map(|c| format!("bookings.{c}")));
    used
}

/// Which database and tables an audit of `url` reads: known before connecting.
pub fn fingerprint(url: &DatabaseUrl, settings: &AuditSettings) -> Fingerprint {
    let (host, name) = url.location();
    Fingerprint {
        backend: url.backend().as_str().into(),
        host,
        name,
        bookings_table: settings.tables.bookings.clone(),
        sessions_table: settings.tables.sessions.clone(),
    }
}

/// How many connections an audit of `checks` checks opens at `--jobs jobs`: never more than
/// checks to run on them.
pub fn connections(jobs: usize, checks: usize) -> usize {
    jobs.clamp(1, checks.max(1))
}

pub async fn audit(
    url: &DatabaseUrl,
    options: SnapshotOptions,
    jobs: usize,
    settings: &AuditSettings,
    checks: &[CheckId],
) -> Report {
    let started = std::time::Instant::now();
    let mut report = Report::new(Some(url.backend()), url.redacted.clone());
    report.fingerprint = Some(fingerprint(url, settings));
    let jobs = connections(jobs, checks.len());
    tracing::info!(
        "connecting to {} ({}), {} check(s) on up to {jobs} connection(s)",
        url.redacted,
        url.backend().as_str(),
        checks.len()
    );
    match Reading::open(url, options, jobs, &settings.renames()).await {
        Ok(mut reading) => {
            report.optional_columns = optional_columns(&reading.schema, settings);
            report.recovery = reading.recovery;
            report.checks =
                run_checks(&mut reading.snapshots, &reading.schema, settings, checks).await;
            reading.close().await;
        }
        Err(e) => report.error = Some(e.to_string()),
    }
    report.duration = started.elapsed();
    report
}
