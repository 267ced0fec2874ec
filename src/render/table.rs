//! Tables for a person at a terminal: an overview of every check, then the findings of each
//! check that has any, then the verdict. Fits the terminal's width when writing to one, and the
//! width asked for (`--width`, `COLUMNS`) anywhere; colour as `--color` says (by default only
//! on a terminal and when `NO_COLOR` is not set, so files and pipes stay plain).

use std::io::Write;

use comfy_table::{Cell as TableCell, Color, ContentArrangement, Table, presets};

use super::RenderOptions;
use crate::report::{Cell, CheckResult, Report, Status};

pub fn render(w: &mut dyn Write, report: &Report, options: &RenderOptions) -> std::io::Result<()> {
    if report.is_fleet() {
        return render_fleet(w, report, options);
    }
    writeln!(
        w,
        "session-audit {} · {} · {}",
        env!("CARGO_PKG_VERSION"),
        report.backend.map_or("unknown backend", |b| b.as_str()),
        report.database_url
    )?;
    if let Some(note) = report.standby_note() {
        writeln!(w, "{note}")?;
    }
    if !report.optional_columns.is_empty() {
        writeln!(
            w,
            "optional columns used: {}",
            report.optional_columns.join(", ")
        )?;
    }
    if let Some(error) = &report.error {
        writeln!(w, "\nerror: {error}")?;
    }
    if !report.checks.is_empty() {
        let mut overview = new_table(options);
        overview.set_header(["check", "status", "summary"]);
        for check in &report.checks {
            overview.add_row(vec![
                TableCell::new(check.id.as_str()),
                status_cell(check.status, options),
                TableCell::new(&check.summary),
            ]);
        }
        writeln!(w, "\n{overview}")?;
    }
    for check in &report.checks {
        details(w, check, options)?;
    }
    if let Some(comparison) = &report.comparison {
        writeln!(w, "\n{}", comparison.heading())?;
        for line in comparison.lines() {
            writeln!(w, "  {line}")?;
        }
    }
    let verdict = report.verdict();
    let counts = super::status_counts(
        report,
        &[
            (Status::Pass, "passed"),
            (Status::Warn, "warned"),
            (Status::Fail, "failed"),
            (Status::Error, "could not run"),
            (Status::Skipped, "skipped"),
        ],
    );
    let counts = if counts.is_empty() {
        String::new()
    } else {
        format!("{}; ", counts.join(", "))
    };
    writeln!(
        w,
        "\nverdict: {} ({counts}exit code {})",
        verdict.as_str().to_uppercase(),
        verdict.exit_code()
    )
}

/// A fleet: the checks × targets matrix and a line per target, then each target's own
/// tables under its name, then the fleet's verdict.
fn render_fleet(
    w: &mut dyn Write,
    report: &Report,
    options: &RenderOptions,
) -> std::io::Result<()> {
    writeln!(
        w,
        "session-audit {} · {}",
        env!("CARGO_PKG_VERSION"),
        super::fleet::heading(report)
    )?;
    let matrix = super::fleet::matrix(report);
    let mut grid = new_table(options);
    grid.set_header(std::iter::once("check").chain(matrix.targets.iter().copied()));
    for (id, statuses) in &matrix.rows {
        let cells = statuses.iter().map(|s| status_cell(*s, options));
        grid.add_row(std::iter::once(TableCell::new(id.as_str())).chain(cells));
    }
    writeln!(w, "\n{grid}")?;
    let mut targets = new_table(options);
    targets.set_header(["target", "verdict", "database", "checks"]);
    for target in &report.targets {
        targets.add_row(vec![
            TableCell::new(&target.name),
            TableCell::new(target.report.verdict().as_str().to_uppercase()),
            TableCell::new(&target.report.database_url),
            TableCell::new(super::fleet::outcome(target)),
        ]);
    }
    writeln!(w, "{targets}")?;
    for target in &report.targets {
        writeln!(w, "\n══ target {} ══", target.name)?;
        render(w, &target.report, options)?;
    }
    let verdict = report.verdict();
    writeln!(
        w,
        "\nfleet verdict: {} ({}; exit code {})",
        verdict.as_str().to_uppercase(),
        super::fleet::verdicts(report),
        verdict.exit_code()
    )
}

fn details(w: &mut dyn Write, check: &CheckResult, options: &RenderOptions) -> std::io::Result<()> {
    if check.metrics.is_empty() && check.rows.rows.is_empty() {
        return Ok(());
    }
    writeln!(w, "\n{} ({})", check.id.as_str(), check.status.as_str())?;
    let metrics: Vec<String> = check
        .metrics
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    writeln!(w, "  {}", metrics.join("  "))?;
    if !check.rows.rows.is_empty() {
        let mut rows = new_table(options);
        rows.set_header(check.rows.columns.iter().copied());
        for row in &check.rows.rows {
            // NULL and the empty string are different findings: show which is which.
            rows.add_row(row.iter().map(|c| {
                if *c == Cell::Null {
                    "NULL".to_owned()
                } else {
                    c.to_plain()
                }
            }));
        }
        writeln!(w, "{rows}")?;
    }
    if check.sample_total > 0 {
        let shown = if (check.sample_ids.len() as i64) < check.sample_total {
            format!(
                " (first {} of {})",
                check.sample_ids.len(),
                check.sample_total
            )
        } else {
            String::new()
        };
        write!(
            w,
            "  {} ids{shown}: ",
            check.sample_kind.as_str().unwrap_or("offending")
        )?;
        // Written one by one: with `--sample all` there may be millions, read from a spool.
        let mut first = true;
        check.sample_ids.visit(|id| {
            let separator = if first { "" } else { ", " };
            first = false;
            write!(w, "{separator}{id}")
        })?;
        writeln!(w)?;
    }
    for waiver in &check.waivers {
        let ids: Vec<String> = waiver.ids.iter().map(i64::to_string).collect();
        writeln!(
            w,
            "  waiver ({}, expires {}) for ids {}: {}",
            waiver.state.as_str(),
            waiver.expires,
            ids.join(", "),
            waiver.reason
        )?;
    }
    if check.status > Status::Pass {
        writeln!(w, "  how to fix: {}", check.id.doc_path())?;
    }
    Ok(())
}

fn new_table(options: &RenderOptions) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    if options.terminal {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        // Deterministic output for files and pipes: no width detection, styling only when
        // asked for (`--color always`).
        table.force_no_tty();
        if options.color {
            table.enforce_styling();
        }
    }
    if let Some(width) = options.width {
        table.set_content_arrangement(ContentArrangement::Dynamic);
        table.set_width(width);
    }
    table
}

fn status_cell(status: Status, options: &RenderOptions) -> TableCell {
    let cell = TableCell::new(status.as_str().to_uppercase());
    if !options.color {
        return cell;
    }
    match status {
        Status::Pass => cell.fg(Color::Green),
        Status::Warn => cell.fg(Color::Yellow),
        Status::Fail | Status::Error => cell.fg(Color::Red),
        Status::Skipped => cell.fg(Color::DarkGrey),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    #[test]
    fn a_width_wraps_every_line_within_it() {
        let mut out = Vec::new();
        let options = RenderOptions {
            width: Some(80),
            ..RenderOptions::default()
        };
        render(&mut out, &fixtures::report(), &options).unwrap();
        let text = String::from_utf8(out).unwrap();
        let tables: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(['┌', '│', '├', '└']))
            .collect();
        assert!(tables.len() > 5, "{text}");
        for line in tables {
            assert!(line.chars().count() <= 80, "{line}");
        }
    }

    #[test]
    fn table_shows_overview_details_and_verdict() {
        let mut out = Vec::new();
        render(&mut out, &fixtures::report(), &RenderOptions::default()).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
