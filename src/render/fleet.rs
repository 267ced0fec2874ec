//! What the renderers show of a fleet audit (`--targets`) besides each target's own report:
//! the targets × checks matrix and one line per target. Built from the finished report, like
//! everything a renderer prints.

use crate::fleet::rollup::status_of;
use crate::report::{Report, Status, TargetReport, Verdict};
use crate::vocab::CheckId;

/// One row per check of the roll-up, one status per target, in the targets file's order.
pub struct Matrix<'a> {
    pub targets: Vec<&'a str>,
    pub rows: Vec<(CheckId, Vec<Status>)>,
}

pub fn matrix(report: &Report) -> Matrix<'_> {
    Matrix {
        targets: report.targets.iter().map(|t| t.name.as_str()).collect(),
        rows: report
            .checks
            .iter()
            .map(|check| {
                let statuses = report
                    .targets
                    .iter()
                    .map(|t| status_of(check.id, t).0)
                    .collect();
                (check.id, statuses)
            })
            .collect(),
    }
}

/// "fleet of 3 databases · targets.toml"
pub fn heading(report: &Report) -> String {
    format!(
        "fleet of {} · {}",
        crate::report::count_of(report.targets.len() as i64, "database", "databases"),
        report.database_url
    )
}

/// What became of one target: why it could not be audited, or how its checks ended
/// ("2 failed, 1 warned, 12 passed").
pub fn outcome(target: &TargetReport) -> String {
    let report = &target.report;
    if let Some(error) = &report.error {
        return format!("could not be audited: {error}");
    }
    let counts = super::status_counts(
        report,
        &[
            (Status::Error, "could not run"),
            (Status::Fail, "failed"),
            (Status::Warn, "warned"),
            (Status::Pass, "passed"),
            (Status::Skipped, "skipped"),
        ],
    );
    counts.join(", ")
}

/// "1 of 3 databases could not be audited, 1 failed, 1 passed": the fleet's verdict in words.
pub fn verdicts(report: &Report) -> String {
    let count = |v: Verdict| {
        report
            .targets
            .iter()
            .filter(|t| t.report.verdict() == v)
            .count()
    };
    let mut parts = Vec::new();
    for (verdict, word) in [
        (Verdict::Error, "could not be fully audited"),
        (Verdict::Fail, "failed"),
        (Verdict::Pass, "passed"),
    ] {
        let n = count(verdict);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    format!(
        "of {}: {}",
        crate::report::count_of(report.targets.len() as i64, "database", "databases"),
        parts.join(", ")
    )
}
