//! A fleet's combined report: each check rolled up over the targets, so every renderer's
//! overview reads as the targets × checks summary, and every machine reader of one report
//! (`verdict`, `checks[].status`) reads a fleet's the same way.

use std::time::Duration;

use crate::report::{Cell, CheckResult, IdKind, Report, Rows, Status, TargetReport};
use crate::vocab::CheckId;

/// Names listed per status in a roll-up's summary before "and N more".
const NAMES_SHOWN: usize = 5;

/// The combined report of a fleet audit of the targets file `source`. `checks` are the checks
/// the targets were asked to run, in their fixed order.
pub fn combine(
    source: &str,
    checks: &[CheckId],
    targets: Vec<TargetReport>,
    generated_at: chrono::DateTime<chrono::Utc>,
    duration: Duration,
) -> Report {
    let mut report = Report::new(None, source.to_owned());
    report.generated_at = generated_at;
    report.duration = duration;
    report.checks = checks.iter().map(|id| roll_up(*id, &targets)).collect();
    report.targets = targets;
    report
}

/// One check over every target: its worst status, a sentence naming the targets that did not
/// pass, counts per status, and one row per target.
fn roll_up(id: CheckId, targets: &[TargetReport]) -> CheckResult {
    let mut rows = Rows::new(&["target", "status", "summary"]);
    let mut statuses = Vec::with_capacity(targets.len());
    let mut slowest = Duration::ZERO;
    for target in targets {
        let (status, summary) = status_of(id, target);
        if let Some(check) = target.report.checks.iter().find(|c| c.id == id) {
            slowest = slowest.max(check.duration);
        }
        statuses.push(status);
        rows.push(vec![
            Cell::Text(target.name.clone()),
            Cell::Text(status.as_str().to_owned()),
            Cell::Text(summary),
        ]);
    }
    let count = |s: Status| statuses.iter().filter(|x| **x == s).count() as i64;
    let mut result = CheckResult::without_findings(
        id,
        statuses.iter().copied().max().unwrap_or(Status::Skipped),
        summary(targets, &statuses),
    );
    result.metrics = vec![
        ("targets", targets.len() as i64),
        ("targets_pass", count(Status::Pass)),
        ("targets_warn", count(Status::Warn)),
        ("targets_fail", count(Status::Fail)),
        ("targets_error", count(Status::Error)),
        ("targets_skipped", count(Status::Skipped)),
    ];
    result.rows = rows;
    result.sample_kind = IdKind::None;
    result.duration = slowest;
    result
}

/// One check's status and summary on one target; a target that stopped before its checks ran
/// (unreachable, a broken config) has that error as the check's.
pub fn status_of(id: CheckId, target: &TargetReport) -> (Status, String) {
    match target.report.checks.iter().find(|c| c.id == id) {
        Some(check) => (check.status, check.summary.clone()),
        None => match &target.report.error {
            Some(error) => (Status::Error, format!("not run: {error}")),
            None => (
                Status::Skipped,
                "not selected for this target (its config disables it)".to_owned(),
            ),
        },
    }
}

/// "fail on 2 of 22 databases (eu, us); error on 1 (asia); pass on 19", worst first.
fn summary(targets: &[TargetReport], statuses: &[Status]) -> String {
    let mut parts = Vec::new();
    for status in [
        Status::Error,
        Status::Fail,
        Status::Warn,
        Status::Pass,
        Status::Skipped,
    ] {
        let names: Vec<&str> = targets
            .iter()
            .zip(statuses)
            .filter(|(_, s)| **s == status)
            .map(|(t, _)| t.name.as_str())
            .collect();
        if names.is_empty() {
            continue;
        }
        let of = if parts.is_empty() {
            format!(
                " of {}",
                crate::report::count_of(targets.len() as i64, "database", "databases")
            )
        } else {
            String::new()
        };
        let listed = if status == Status::Pass {
            String::new()
        } else {
            let mut shown = names
                .iter()
                .take(NAMES_SHOWN)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            if names.len() > NAMES_SHOWN {
                shown.push_str(&format!(" and {} more", names.len() - NAMES_SHOWN));
            }
            format!(" ({shown})")
        };
        let word = match status {
            Status::Skipped => "skipped",
            other => other.as_str(),
        };
        parts.push(format!("{word} on {}{of}{listed}", names.len()));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(name: &str, statuses: &[(CheckId, Status)], error: Option<&str>) -> TargetReport {
        let mut report = Report::new(None, format!("{name}.db"));
        report.error = error.map(str::to_owned);
        report.checks = statuses
            .iter()
            .map(|(id, status)| CheckResult {
                status: *status,
                summary: format!("{name} {}", status.as_str()),
                ..CheckResult::error(*id, String::new())
            })
            .collect();
        TargetReport {
            name: name.into(),
            report,
        }
    }

    #[test]
    fn each_check_is_its_worst_target_and_names_those_that_did_not_pass() {
        let fleet = combine(
            "targets.toml",
            &[CheckId::Coverage, CheckId::Capacity],
            vec![
                target(
                    "eu",
                    &[
                        (CheckId::Coverage, Status::Fail),
                        (CheckId::Capacity, Status::Pass),
                    ],
                    None,
                ),
                target(
                    "us",
                    &[
                        (CheckId::Coverage, Status::Pass),
                        (CheckId::Capacity, Status::Warn),
                    ],
                    None,
                ),
                target("asia", &[], Some("cannot connect")),
            ],
            chrono::Utc::now(),
            Duration::from_secs(1),
        );
        let coverage = &fleet.checks[0];
        assert_eq!(coverage.status, Status::Error);
        assert_eq!(
            coverage.summary,
            "error on 1 of 3 databases (asia); fail on 1 (eu); pass on 1"
        );
        assert_eq!(coverage.rows.rows.len(), 3);
        assert_eq!(
            coverage.rows.rows[2][2],
            Cell::Text("not run: cannot connect".into())
        );
        assert!(coverage.metrics.contains(&("targets_fail", 1)));
        assert_eq!(fleet.verdict(), crate::report::Verdict::Error);
        assert!(fleet.is_fleet());
    }

    #[test]
    fn a_target_that_stopped_after_its_checks_still_decides_the_verdict() {
        // Every check passed, but the target's audit evaluated nothing (both tables empty).
        let fleet = combine(
            "targets.toml",
            &[CheckId::Coverage],
            vec![target(
                "new",
                &[(CheckId::Coverage, Status::Pass)],
                Some("nothing was evaluated"),
            )],
            chrono::Utc::now(),
            Duration::ZERO,
        );
        assert_eq!(fleet.checks[0].status, Status::Pass);
        assert_eq!(fleet.verdict(), crate::report::Verdict::Error);
    }
}
