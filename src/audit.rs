//! An audit from start to end: connect, open the snapshot, read the schema, run the checks.
//!
//! Never returns an error: anything that stops the audit becomes the report's `error`, so that
//! machine-readable outputs still say `verdict: error` (an error is never a pass).

use crate::checks::CheckId;
use crate::checks::runner::run_checks;
use crate::db::{DatabaseUrl, Schema, Snapshot, SnapshotOptions};
use crate::error::AuditError;
use crate::report::Report;
use crate::settings::AuditSettings;

pub async fn audit(
    url: &DatabaseUrl,
    options: SnapshotOptions,
    settings: &AuditSettings,
    checks: &[CheckId],
) -> Report {
    let mut report = Report {
        backend: Some(url.backend()),
        database_url: url.redacted.clone(),
        checks: Vec::new(),
        error: None,
    };
    let mut snapshot = match Snapshot::open(url, options).await {
        Ok(snapshot) => snapshot,
        Err(e) => {
            report.error = Some(e.to_string());
            return report;
        }
    };
    match Schema::read(&mut snapshot).await {
        Ok(schema) => report.checks = run_checks(&mut snapshot, &schema, settings, checks).await,
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
    snapshot.close().await;
    report
}
