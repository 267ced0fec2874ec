//! GitHub Actions annotations: workflow commands (`::error title=…::message`) that the runner
//! turns into annotations on the run's summary and the pull request, as squawk and other
//! linters emit them when `GITHUB_ACTIONS` is set. One line per check that failed, could not
//! run or warned, and one for an audit that stopped. Written on stderr: the runner reads
//! workflow commands from both streams, and stdout may be carrying the report.

use std::io::Write;

use crate::report::{Report, Status};

pub fn render(w: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    if let Some(error) = &report.error {
        writeln!(
            w,
            "::error title={}::{}",
            property("session-audit: the audit could not be evaluated"),
            data(error)
        )?;
    }
    for check in &report.checks {
        let level = match check.status {
            Status::Fail | Status::Error => "error",
            Status::Warn => "warning",
            Status::Pass | Status::Skipped => continue,
        };
        let title = format!("session-audit {} ({})", check.id, check.status.as_str());
        let summary = check.summary.trim_end();
        let stop = if summary.ends_with('.') { "" } else { "." };
        writeln!(
            w,
            "::{level} title={}::{}{stop} See {}.",
            property(&title),
            data(summary),
            check.id.doc_path()
        )?;
    }
    Ok(())
}

/// A command's message, escaped as the runner unescapes it (actions/toolkit `escapeData`).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: the message's escapes, and `:` and `,` that would end it
/// (actions/toolkit `escapeProperty`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    #[test]
    fn one_line_per_check_that_needs_attention_escaped_as_the_runner_reads_it() {
        let mut out = Vec::new();
        let mut report = fixtures::report();
        report.checks[0].summary = "100% of: a, b\nsecond line".into();
        render(&mut out, &report).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "::error title=session-audit coverage (fail)::100%25 of: a, b%0Asecond line. See docs/checks/coverage.md.",
                "::error title=session-audit duplicate-times (fail)::1 group of workshop/course sessions share a service and start time (2 sessions in all). See docs/checks/duplicate-times.md.",
                "::error title=session-audit type-distribution (error)::table \"x\" does not exist. See docs/checks/type-distribution.md.",
            ]
        );
        assert_eq!(property("a: b, c%"), "a%3A b%2C c%25");
    }
}
