//! Markdown for a CI job summary (`$GITHUB_STEP_SUMMARY`, a merge-request note): the verdict,
//! a table of every check, then a section for each check that failed or could not be
//! evaluated. Kept short enough for a job page: long findings tables and id lists are cut,
//! with a count of what was cut.

use std::io::Write;

use super::RenderOptions;
use crate::report::{CheckResult, Report, Status, Verdict};

/// Findings rows and ids shown per failing check.
const ROWS_SHOWN: usize = 20;
const IDS_SHOWN: usize = 20;

pub fn render(w: &mut dyn Write, report: &Report, _options: &RenderOptions) -> std::io::Result<()> {
    if report.is_fleet() {
        return render_fleet(w, report);
    }
    let title = format!("session-audit: {}", verdict_label(report.verdict()));
    render_titled(w, report, &title)
}

/// A fleet: its verdict, the checks × targets matrix and a table of targets, then each
/// target's own summary under its name.
fn render_fleet(w: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    let verdict = report.verdict();
    writeln!(w, "## session-audit fleet: {}\n", verdict_label(verdict))?;
    writeln!(
        w,
        "{} ({})\n",
        cell(&super::fleet::heading(report)),
        super::fleet::verdicts(report)
    )?;
    let matrix = super::fleet::matrix(report);
    let names: Vec<String> = matrix.targets.iter().map(|t| cell(t)).collect();
    writeln!(w, "| check | {} |", names.join(" | "))?;
    writeln!(w, "|---|{}", "---|".repeat(names.len()))?;
    for (id, statuses) in &matrix.rows {
        let cells: Vec<&str> = statuses.iter().map(|s| status_label(*s)).collect();
        writeln!(w, "| `{id}` | {} |", cells.join(" | "))?;
    }
    writeln!(
        w,
        "\n| target | verdict | database | checks |\n|---|---|---|---|"
    )?;
    for target in &report.targets {
        writeln!(
            w,
            "| {} | {} | `{}` | {} |",
            cell(&target.name),
            verdict_label(target.report.verdict()),
            cell(&target.report.database_url),
            cell(&super::fleet::outcome(target))
        )?;
    }
    for target in &report.targets {
        writeln!(w)?;
        let title = format!(
            "target {}: {}",
            cell(&target.name),
            verdict_label(target.report.verdict())
        );
        render_titled(w, &target.report, &title)?;
    }
    Ok(())
}

fn render_titled(w: &mut dyn Write, report: &Report, title: &str) -> std::io::Result<()> {
    writeln!(w, "## {title}\n")?;
    let backend = report.backend.map_or("unknown", |b| b.as_str());
    writeln!(w, "`{}` ({backend})\n", cell(&report.database_url))?;
    if let Some(error) = &report.error {
        writeln!(w, "**The audit could not run:** {}\n", cell(error))?;
    }
    if report.checks.is_empty() {
        return Ok(());
    }
    let count = |s: Status| report.checks.iter().filter(|c| c.status == s).count();
    writeln!(
        w,
        "{} checks: {} pass, {} warn, {} fail, {} error, {} skipped\n",
        report.checks.len(),
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Error),
        count(Status::Skipped)
    )?;
    writeln!(w, "| check | status | summary |\n|---|---|---|")?;
    for check in &report.checks {
        writeln!(
            w,
            "| `{}` | {} | {} |",
            check.id,
            status_label(check.status),
            cell(&check.summary)
        )?;
    }
    for check in report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Error))
    {
        section(w, check)?;
    }
    if let Some(comparison) = &report.comparison {
        writeln!(w, "\n### {}\n", cell(&comparison.heading()))?;
        for line in comparison.lines().iter().take(40) {
            writeln!(w, "- {}", cell(line))?;
        }
    }
    Ok(())
}

fn section(w: &mut dyn Write, check: &CheckResult) -> std::io::Result<()> {
    writeln!(w, "\n### {} `{}`\n", status_label(check.status), check.id)?;
    writeln!(w, "{}\n", cell(&check.summary))?;
    if check.status == Status::Fail {
        writeln!(
            w,
            "**How to fix:** {} ({})\n",
            cell(&check.id.how_to_fix()),
            check.id.doc_path()
        )?;
    }
    if !check.metrics.is_empty() {
        let metrics: Vec<String> = check
            .metrics
            .iter()
            .map(|(name, value)| format!("{name} **{value}**"))
            .collect();
        writeln!(w, "{}\n", metrics.join(" · "))?;
    }
    let rows = &check.rows;
    if !rows.rows.is_empty() {
        writeln!(w, "| {} |", rows.columns.join(" | "))?;
        writeln!(w, "|{}", "---|".repeat(rows.columns.len()))?;
        for row in rows.rows.iter().take(ROWS_SHOWN) {
            let cells: Vec<String> = row.iter().map(|c| cell(&c.to_plain())).collect();
            writeln!(w, "| {} |", cells.join(" | "))?;
        }
        let cut = rows.rows.len().saturating_sub(ROWS_SHOWN);
        if cut > 0 {
            writeln!(w, "\n… {cut} more rows not shown (see the JSON report).")?;
        }
        writeln!(w)?;
    }
    if check.sample_total > 0 {
        let ids = check.sample_ids.first(IDS_SHOWN)?;
        let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
        let kind = check.sample_kind.as_str().unwrap_or("row");
        let cut = check.sample_total - ids.len() as i64;
        let more = if cut > 0 {
            format!(" … and {cut} more")
        } else {
            String::new()
        };
        writeln!(
            w,
            "Offending {kind} ids ({} in all): {}{more}",
            check.sample_total,
            listed.join(", ")
        )?;
    }
    Ok(())
}

fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "✅ PASS",
        Verdict::Fail => "❌ FAIL",
        Verdict::Error => "⛔ ERROR",
    }
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅ pass",
        Status::Warn => "⚠️ warn",
        Status::Fail => "❌ fail",
        Status::Error => "⛔ error",
        Status::Skipped => "⏭️ skipped",
    }
}

/// Text safe inside a table cell: pipes escaped, line breaks as spaces.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    #[test]
    fn summary_table_then_a_section_per_failing_check() {
        let mut out = Vec::new();
        render(&mut out, &fixtures::report(), &RenderOptions::default()).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(md.starts_with("## session-audit: "), "{md}");
        assert!(md.contains("| check | status | summary |"), "{md}");
        let failing = fixtures::report()
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Error))
            .count();
        assert_eq!(md.matches("\n### ").count(), failing, "{md}");
    }
}
