//! OpenMetrics text for monitoring scheduled audits: node_exporter's textfile collector reads
//! the file, a Pushgateway takes it as a push body. Every sample carries the database's labels
//! (backend, host, name: never credentials), so one collector can hold several databases.
//!
//! Families: `session_audit_check_status` (0 pass, 1 warn, 2 fail, 3 error, 4 skipped),
//! `session_audit_metric` (every numeric metric of every check), `session_audit_offending_rows`
//! (per check), `session_audit_verdict` (0 pass, 1 fail, 2 error: an audit that stopped has
//! only this and the two below), `session_audit_duration_seconds` and
//! `session_audit_last_run_timestamp_seconds`. All gauges: each audit replaces the last.

use std::io::Write;

use super::RenderOptions;
use crate::report::{Report, Status, Verdict};

pub fn render(w: &mut dyn Write, report: &Report, _options: &RenderOptions) -> std::io::Result<()> {
    // A fleet's samples are its targets', each labelled `target="NAME"` as well; the fleet's
    // verdict is their max, which a query takes (`max(session_audit_verdict)`).
    let parts: Vec<(String, &Report)> = if report.is_fleet() {
        report
            .targets
            .iter()
            .map(|t| {
                let labels = format!(
                    "{},target=\"{}\"",
                    database_labels(&t.report),
                    escape(&t.name)
                );
                (labels, &t.report)
            })
            .collect()
    } else {
        vec![(database_labels(report), report)]
    };
    family(
        w,
        "session_audit_check_status",
        "Status of each check: 0 pass, 1 warn, 2 fail, 3 error, 4 skipped.",
    )?;
    for (database, report) in &parts {
        for check in &report.checks {
            writeln!(
                w,
                "session_audit_check_status{{{database},check=\"{}\"}} {}",
                escape(check.id.as_str()),
                status_code(check.status)
            )?;
        }
    }
    family(
        w,
        "session_audit_metric",
        "Every numeric metric of every check, as in the JSON report.",
    )?;
    for (database, report) in &parts {
        for check in &report.checks {
            for (name, value) in &check.metrics {
                writeln!(
                    w,
                    "session_audit_metric{{{database},check=\"{}\",metric=\"{}\"}} {value}",
                    escape(check.id.as_str()),
                    escape(name)
                )?;
            }
        }
    }
    family(
        w,
        "session_audit_offending_rows",
        "Offending rows (bookings or sessions) each check found, waived ones included.",
    )?;
    for (database, report) in &parts {
        for check in &report.checks {
            writeln!(
                w,
                "session_audit_offending_rows{{{database},check=\"{}\"}} {}",
                escape(check.id.as_str()),
                check.sample_total
            )?;
        }
    }
    family(
        w,
        "session_audit_verdict",
        "The audit's verdict: 0 pass, 1 fail, 2 error (the exit code).",
    )?;
    for (database, report) in &parts {
        writeln!(
            w,
            "session_audit_verdict{{{database}}} {}",
            verdict_code(report.verdict())
        )?;
    }
    family(
        w,
        "session_audit_duration_seconds",
        "Wall time of the whole audit.",
    )?;
    for (database, report) in &parts {
        writeln!(
            w,
            "session_audit_duration_seconds{{{database}}} {:.3}",
            report.duration.as_secs_f64()
        )?;
    }
    family(
        w,
        "session_audit_last_run_timestamp_seconds",
        "When the audit started, in Unix seconds.",
    )?;
    for (database, report) in &parts {
        writeln!(
            w,
            "session_audit_last_run_timestamp_seconds{{{database}}} {:.3}",
            report.generated_at.timestamp_millis() as f64 / 1000.0
        )?;
    }
    writeln!(w, "# EOF")
}

fn family(w: &mut dyn Write, name: &str, help: &str) -> std::io::Result<()> {
    writeln!(w, "# TYPE {name} gauge")?;
    writeln!(w, "# HELP {name} {help}")
}

/// `backend="postgres",host="db:5432",database="prod"`; empty values when the audit stopped
/// before the URL was read.
fn database_labels(report: &Report) -> String {
    let (host, name) = report
        .fingerprint
        .as_ref()
        .map_or(("", ""), |f| (f.host.as_str(), f.name.as_str()));
    format!(
        "backend=\"{}\",host=\"{}\",database=\"{}\"",
        report.backend.map_or("", |b| b.as_str()),
        escape(host),
        escape(name)
    )
}

/// A label value as OpenMetrics writes it: backslash, double quote and newline escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn status_code(status: Status) -> u8 {
    match status {
        Status::Pass => 0,
        Status::Warn => 1,
        Status::Fail => 2,
        Status::Error => 3,
        Status::Skipped => 4,
    }
}

fn verdict_code(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Pass => 0,
        Verdict::Fail => 1,
        Verdict::Error => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    #[test]
    fn one_sample_per_check_and_metric_with_the_database_labels() {
        let mut out = Vec::new();
        render(&mut out, &fixtures::report(), &RenderOptions::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let labels = r#"backend="postgres",host="db:5432",database="prod""#;
        for line in [
            format!(r#"session_audit_check_status{{{labels},check="coverage"}} 2"#),
            format!(r#"session_audit_check_status{{{labels},check="type-distribution"}} 3"#),
            format!(
                r#"session_audit_metric{{{labels},check="coverage",metric="without_session"}} 3"#
            ),
            format!(r#"session_audit_offending_rows{{{labels},check="duplicate-times"}} 2"#),
            format!("session_audit_verdict{{{labels}}} 2"),
            format!("session_audit_duration_seconds{{{labels}}} 1.500"),
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
        assert!(
            !text.contains("***"),
            "no credentials, not even redacted ones"
        );
        assert_eq!(escape("a\"b\\c\nd"), r#"a\"b\\c\nd"#);
    }
}
