//! An audit from start to end: connect, open the snapshot, read the schema, run the checks.
//!
//! Never returns an error: anything that stops the audit becomes the report's `error`, so that
//! machine-readable outputs still say `verdict: error` (an error is never a pass).

use crate::checks::runner::run_checks;
use crate::db::{DatabaseUrl, Schema, Snapshot, SnapshotOptions};
use crate::error::AuditError;
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
    let mut snapshots = match Snapshot::open_shared(url, options, jobs).await {
        Ok(snapshots) => {
            tracing::info!(
                "read-only snapshot open on {} connection(s)",
                snapshots.len()
            );
            snapshots
        }
        Err(e) => {
            report.error = Some(e.to_string());
            return report;
        }
    };
    let schema = match snapshots.first_mut() {
        Some(first) => Schema::read(first).await,
        None => Ok(Schema::default()),
    };
    match schema {
        Ok(schema) => {
            tracing::info!("schema read: {} table(s)", schema.table_count());
            report.checks = run_checks(&mut snapshots, &schema, settings, checks).await
        }
        Err(e) => {
            report.error = Some(
                AuditError::Schema {
                    url: url.redacted.clone(),
                    reason: e.to_string(),
                }
                .to_string(),
            );
        }
    }
    for snapshot in snapshots {
        snapshot.close().await;
    }
    report
}
