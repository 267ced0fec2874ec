//! JUnit XML for CI test reports (GitHub, GitLab, Jenkins): one testsuite, one testcase per
//! check. A failed check is a `<failure>`, a check that could not be evaluated (or an audit that
//! stopped) an `<error>`, a skipped check `<skipped>`; each carries the summary as its message
//! and the offending ids in its text. Durations go where Jenkins and GitLab read them: the
//! suite's `time` (the whole audit), `timestamp` (its start) and `hostname` (the database server
//! the checks ran on, `localhost` for a SQLite file), and each testcase's `time`. Written by
//! quick-junit (cargo-nextest's writer), which escapes and filters what XML cannot hold.

use std::io::Write;

use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use super::RenderOptions;
use crate::report::{CheckResult, Report, Status};

/// Offending ids listed per testcase: a CI page shows the first ones; the JSON has them all.
const IDS_SHOWN: usize = 1000;

pub fn render(w: &mut dyn Write, report: &Report, _options: &RenderOptions) -> std::io::Result<()> {
    let mut junit = Junit::new("session-audit");
    junit.set_time(report.duration);
    junit.set_timestamp(report.generated_at);
    if report.is_fleet() {
        // A suite per target, so CI counts each database's failures once, under its name.
        for target in &report.targets {
            let name = format!("session-audit {}", target.name);
            junit.add_test_suite(suite(&name, &target.report)?);
        }
    } else {
        junit.add_test_suite(suite("session-audit", report)?);
    }
    junit.serialize(w).map_err(std::io::Error::other)
}

/// One database's checks as a testsuite named `name` (also their classname).
fn suite(name: &str, report: &Report) -> std::io::Result<TestSuite> {
    let mut suite = TestSuite::new(name);
    suite.set_time(report.duration);
    suite.set_timestamp(report.generated_at);
    suite.extra.insert("hostname".into(), report.host().into());
    if let Some(error) = &report.error {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(error.as_str());
        let mut case = TestCase::new("audit", status);
        case.set_classname(name);
        case.set_time(report.duration);
        suite.add_test_case(case);
    }
    for check in &report.checks {
        suite.add_test_case(testcase(name, check)?);
    }
    if let Some(comparison) = &report.comparison {
        // What changed since the earlier report, where CI shows a suite's output.
        let mut text = comparison.heading();
        for line in comparison.lines() {
            text.push('\n');
            text.push_str(&line);
        }
        suite.set_system_out(text);
    }
    Ok(suite)
}

fn testcase(classname: &str, check: &CheckResult) -> std::io::Result<TestCase> {
    let mut status = match check.status {
        Status::Pass | Status::Warn => TestCaseStatus::success(),
        Status::Skipped => TestCaseStatus::skipped(),
        Status::Fail => TestCaseStatus::non_success(NonSuccessKind::Failure),
        Status::Error => TestCaseStatus::non_success(NonSuccessKind::Error),
    };
    if matches!(check.status, Status::Fail | Status::Error | Status::Skipped) {
        status.set_message(check.summary.as_str());
        status.set_type(check.status.as_str());
        status.set_description(details(check)?);
    }
    let mut case = TestCase::new(check.id.as_str(), status);
    case.set_classname(classname);
    case.set_time(check.duration);
    // Passing and warning checks keep their summary where CI shows test output.
    if matches!(check.status, Status::Pass | Status::Warn) {
        case.set_system_out(format!("{}: {}", check.status.as_str(), check.summary));
    }
    Ok(case)
}

/// The summary, the metrics and the offending ids, as text.
fn details(check: &CheckResult) -> std::io::Result<String> {
    let mut text = check.summary.clone();
    for (name, value) in &check.metrics {
        text.push_str(&format!("\n{name}: {value}"));
    }
    if check.sample_total > 0 {
        let ids = check.sample_ids.first(IDS_SHOWN)?;
        let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
        text.push_str(&format!(
            "\noffending {} ids ({} in all): {}",
            check.sample_kind.as_str().unwrap_or("row"),
            check.sample_total,
            listed.join(" ")
        ));
        let cut = check.sample_total - ids.len() as i64;
        if cut > 0 {
            text.push_str(&format!(
                " … and {cut} more (see the JSON report with --sample all)"
            ));
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    #[test]
    fn one_testcase_per_check_with_failures_carrying_ids() {
        let mut out = Vec::new();
        render(&mut out, &fixtures::report(), &RenderOptions::default()).unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(xml.contains("<testsuite name=\"session-audit\""), "{xml}");
        assert_eq!(
            xml.matches("<testcase ").count(),
            fixtures::report().checks.len()
        );
        assert!(xml.contains("<failure"), "{xml}");
        assert!(
            xml.contains(
                r#"timestamp="2026-11-24T06:00:00.000+00:00" time="1.500" hostname="db:5432""#
            ),
            "the suite carries the audit's duration, start and database host: {xml}"
        );
        assert!(
            xml.contains(r#"<testcase name="coverage" classname="session-audit" time="1.234">"#),
            "{xml}"
        );
    }
}
