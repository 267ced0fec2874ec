//! An audit from start to end: connect, open the snapshot, read the schema, run the checks.
//!
//! Never returns an error: anything that stops the audit becomes the report's `error`, so that
//! machine-readable outputs still say `verdict: error` (an error is never a pass).

use crate::checks::runner::run_checks;
use crate::db::{DatabaseUrl, Reading, SnapshotOptions};
use crate::report::Report;
use crate::settings::AuditSettings;
use crate::vocab::CheckId;

pub async fn audit(
    url: &DatabaseUrl,
    options: SnapshotOptions,
    jobs: usize,
    settings: &AuditSettings,
    checks: &[CheckId],
) -> Report {
    let mut report = Report::new(Some(url.backend()), url.redacted.clone());
    // Never more connections than checks to run on them.
    let jobs = jobs.clamp(1, checks.len().max(1));
    tracing::info!(
        "connecting to {} ({}), {} check(s) on up to {jobs} connection(s)",
        url.redacted,
        url.backend().as_str(),
        checks.len()
    );
    match Reading::open(url, options, jobs).await {
        Ok(mut reading) => {
            report.checks =
                run_checks(&mut reading.snapshots, &reading.schema, settings, checks).await;
            reading.close().await;
        }
        Err(e) => report.error = Some(e.to_string()),
    }
    report
}
