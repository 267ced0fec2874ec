//! The self-contained HTML page (`--format html`, and `session-audit report`): the verdict, every check with its
//! findings, the session_type × visibility crosstab, what changed since the previous report and
//! a chart of the key metrics over the history. No network resources: the CSS is inline and the
//! chart is inline SVG, so the page works from a file, an artifact store or an air-gapped host.
//! Every element is closed (polyglot markup), so the page also parses as XML: the tests read it
//! with an XML parser.

mod fleet;

use std::io::Write;

use super::RenderOptions;
use crate::history::HistoryEntry;
use crate::report::{Cell, CheckResult, Report, Status};

/// Findings rows and ids shown per check; the JSON report next to the page has them all.
const ROWS_SHOWN: usize = 100;
const IDS_SHOWN: usize = 100;

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d1d1f}\
h1{margin-bottom:.2rem}table{border-collapse:collapse;margin:.6rem 0 1.2rem}\
th,td{border:1px solid #d0d0d7;padding:.25rem .55rem;text-align:left;vertical-align:top}\
th{background:#f3f3f6}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.pass{color:#136c2e}.warn{color:#8a5a00}.fail{color:#b00020}.error{color:#7a0010;font-weight:600}.skipped{color:#666}\
.verdict{display:inline-block;padding:.2rem .7rem;border-radius:.3rem;color:#fff;font-weight:600}\
.v-pass{background:#136c2e}.v-fail{background:#b00020}.v-error{background:#7a0010}\
section{border-top:1px solid #e2e2e8;margin-top:1.2rem}code{font-size:90%}.muted{color:#666}\
pre.doc{white-space:pre-wrap;background:#f7f7fa;padding:.6rem;font-size:85%}\
table{display:block;max-width:100%;overflow-x:auto}td,p.fix{overflow-wrap:anywhere}";

/// The docs' `code` spans as `<code>` elements, in text already escaped; an unpaired backtick
/// stays as it is.
fn code_spans(escaped: &str) -> String {
    let parts: Vec<&str> = escaped.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escaped.to_owned();
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                (*part).to_owned()
            }
        })
        .collect()
}

/// Text safe in HTML content and attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn render(w: &mut dyn Write, report: &Report, _options: &RenderOptions) -> std::io::Result<()> {
    let verdict = report.verdict().as_str();
    let when = crate::report::format_time(&report.generated_at);
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <title>session-audit {verdict} · {}</title><style>{STYLE}</style></head><body>\n",
        esc(&when)
    )?;
    if report.is_fleet() {
        return fleet::page(w, report, &when);
    }
    writeln!(
        w,
        "<header id=\"verdict\"><h1>session-audit report</h1>\
         <p><span class=\"verdict v-{verdict}\">{}</span> {} · <code>{}</code> ({}) · session-audit {}</p></header>",
        verdict.to_uppercase(),
        esc(&when),
        esc(&report.database_url),
        report.backend.map_or("unknown", |b| b.as_str()),
        env!("CARGO_PKG_VERSION"),
    )?;
    notes(w, report, "")?;
    summary(w, report, "")?;
    crosstab(w, report)?;
    changes(w, report, "")?;
    chart(w, &report.history)?;
    writeln!(w, "<section id=\"checks\"><h2>Checks</h2>")?;
    for check in &report.checks {
        check_section(w, check, "")?;
    }
    writeln!(w, "</section></body></html>")
}

/// The standby note and the error that stopped the audit, under the page's or a target's header.
fn notes(w: &mut dyn Write, report: &Report, prefix: &str) -> std::io::Result<()> {
    if let Some(note) = report.standby_note() {
        writeln!(w, "<p id=\"{prefix}standby\">{}</p>", esc(&note))?;
    }
    if let Some(error) = &report.error {
        writeln!(
            w,
            "<p class=\"error\">The audit could not run: {}</p>",
            esc(error)
        )?;
    }
    Ok(())
}

/// The checks' table; `prefix` starts its anchors (empty on a one-database page).
fn summary(w: &mut dyn Write, report: &Report, prefix: &str) -> std::io::Result<()> {
    writeln!(
        w,
        "<section id=\"{prefix}summary\"><h2>Summary</h2><table><tr><th>check</th><th>status</th><th>summary</th></tr>"
    )?;
    for check in &report.checks {
        let status = check.status.as_str();
        writeln!(
            w,
            "<tr><td><a href=\"#{prefix}check-{id}\"><code>{id}</code></a></td><td class=\"{status}\">{status}</td><td>{}</td></tr>",
            esc(&check.summary),
            id = check.id,
        )?;
    }
    writeln!(w, "</table></section>")
}

/// Sessions per session_type (rows) and visibility (columns), from type-distribution.
fn crosstab(w: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    writeln!(
        w,
        "<section id=\"crosstab\"><h2>Sessions by type and visibility</h2>"
    )?;
    let Some(check) = report
        .checks
        .iter()
        .find(|c| c.id.as_str() == "type-distribution")
    else {
        return writeln!(
            w,
            "<p class=\"muted\">type-distribution did not run.</p></section>"
        );
    };
    let column = |name: &str| check.rows.columns.iter().position(|c| *c == name);
    let (Some(t), Some(v), Some(n)) = (
        column("session_type"),
        column("visibility"),
        column("count"),
    ) else {
        return writeln!(
            w,
            "<p class=\"muted\">No distribution in this report.</p></section>"
        );
    };
    let label = |cell: &Cell| match cell {
        Cell::Null => "(null)".to_owned(),
        other => other.to_plain(),
    };
    let mut types: Vec<String> = Vec::new();
    let mut visibilities: Vec<String> = Vec::new();
    for row in &check.rows.rows {
        let (ty, vis) = (label(&row[t]), label(&row[v]));
        if !types.contains(&ty) {
            types.push(ty);
        }
        if !visibilities.contains(&vis) {
            visibilities.push(vis);
        }
    }
    write!(w, "<table><tr><th>session_type \\ visibility</th>")?;
    for vis in &visibilities {
        write!(w, "<th>{}</th>", esc(vis))?;
    }
    writeln!(w, "</tr>")?;
    for ty in &types {
        write!(w, "<tr><th>{}</th>", esc(ty))?;
        for vis in &visibilities {
            let count = check
                .rows
                .rows
                .iter()
                .find(|r| label(&r[t]) == *ty && label(&r[v]) == *vis)
                .map(|r| r[n].to_plain())
                .unwrap_or_default();
            write!(w, "<td class=\"n\">{count}</td>")?;
        }
        writeln!(w, "</tr>")?;
    }
    writeln!(w, "</table></section>")
}

fn changes(w: &mut dyn Write, report: &Report, prefix: &str) -> std::io::Result<()> {
    writeln!(
        w,
        "<section id=\"{prefix}changes\"><h2>Changes since the previous report</h2>"
    )?;
    let Some(comparison) = &report.comparison else {
        return writeln!(
            w,
            "<p class=\"muted\">No earlier report to compare with.</p></section>"
        );
    };
    writeln!(
        w,
        "<p>Compared with <code>{}</code> ({}, verdict {}).</p><table><tr><th>check</th><th>status</th><th>metrics</th><th>new ids</th><th>gone ids</th><th>rows new / gone</th></tr>",
        esc(&comparison.previous_file),
        esc(comparison
            .previous_generated_at
            .as_deref()
            .unwrap_or("time unknown")),
        esc(comparison.previous_verdict.as_deref().unwrap_or("unknown")),
    )?;
    for change in &comparison.checks {
        let metrics: Vec<String> = change
            .metrics
            .iter()
            .map(|m| match m.change {
                Some(d) => format!(
                    "{} {:+} ({} → {})",
                    m.name,
                    d,
                    m.before.unwrap_or(0),
                    m.after
                ),
                None => format!("{} {} (new)", m.name, m.after),
            })
            .collect();
        let ids = |ids: &[i64]| {
            let shown: Vec<String> = ids.iter().take(20).map(i64::to_string).collect();
            let more = ids.len().saturating_sub(20);
            if more > 0 {
                format!("{} … +{more}", shown.join(" "))
            } else {
                shown.join(" ")
            }
        };
        writeln!(
            w,
            "<tr><td><code>{}</code></td><td>{} → {}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{} / {}</td></tr>",
            esc(&change.id),
            esc(change.status_before.as_deref().unwrap_or("—")),
            esc(&change.status_after),
            esc(&metrics.join("; ")),
            ids(&change.new_ids),
            ids(&change.gone_ids),
            change.new_rows.len(),
            change.gone_rows.len(),
        )?;
    }
    writeln!(w, "</table>")?;
    if !comparison.crosstab.is_empty() {
        writeln!(
            w,
            "<table><tr><th>session_type</th><th>visibility</th><th>before</th><th>now</th></tr>"
        )?;
        for cell in &comparison.crosstab {
            writeln!(
                w,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&cell.session_type.to_string()),
                esc(&cell.visibility.to_string()),
                cell.before,
                cell.after
            )?;
        }
        writeln!(w, "</table>")?;
    }
    writeln!(w, "</section>")
}

/// The key metrics over the saved reports: the chart, then a table of every report.
fn chart(w: &mut dyn Write, history: &[HistoryEntry]) -> std::io::Result<()> {
    writeln!(w, "<section id=\"history\"><h2>Key metrics over time</h2>")?;
    if history.is_empty() {
        return writeln!(w, "<p class=\"muted\">No saved reports yet.</p></section>");
    }
    super::chart::render(w, history)?;
    writeln!(
        w,
        "<table><tr><th>report</th><th>verdict</th><th>without session</th><th>scheduled without</th><th>duplicate groups</th><th>unknown values</th></tr>"
    )?;
    for entry in history.iter().rev() {
        let cell = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
        writeln!(
            w,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&entry.html),
            esc(&entry.stamp),
            esc(entry.verdict.as_deref().unwrap_or("")),
            cell(entry.key.bookings_without_session),
            cell(entry.key.scheduled_without_session),
            cell(entry.key.duplicate_groups),
            cell(entry.key.unknown_values),
        )?;
    }
    writeln!(w, "</table></section>")
}

fn check_section(w: &mut dyn Write, check: &CheckResult, prefix: &str) -> std::io::Result<()> {
    let status = check.status.as_str();
    writeln!(
        w,
        "<article id=\"{prefix}check-{id}\"><h3><code>{id}</code> <span class=\"{status}\">{status}</span></h3><p>{}</p>",
        esc(&check.summary),
        id = check.id,
    )?;
    if !check.metrics.is_empty() {
        write!(w, "<table><tr>")?;
        for (name, _) in &check.metrics {
            write!(w, "<th>{}</th>", esc(name))?;
        }
        write!(w, "</tr><tr>")?;
        for (_, value) in &check.metrics {
            write!(w, "<td class=\"n\">{value}</td>")?;
        }
        writeln!(w, "</tr></table>")?;
    }
    if !check.rows.rows.is_empty() {
        write!(w, "<table><tr>")?;
        for column in &check.rows.columns {
            write!(w, "<th>{}</th>", esc(column))?;
        }
        writeln!(w, "</tr>")?;
        for row in check.rows.rows.iter().take(ROWS_SHOWN) {
            write!(w, "<tr>")?;
            for cell in row {
                write!(w, "<td>{}</td>", esc(&cell.to_plain()))?;
            }
            writeln!(w, "</tr>")?;
        }
        writeln!(w, "</table>")?;
        let cut = check.rows.rows.len().saturating_sub(ROWS_SHOWN);
        if cut > 0 {
            writeln!(
                w,
                "<p class=\"muted\">… {cut} more rows in the JSON report.</p>"
            )?;
        }
    }
    if matches!(check.status, Status::Fail | Status::Warn) {
        writeln!(
            w,
            "<p class=\"fix\"><strong>How to fix:</strong> {} <span class=\"muted\">({})</span></p>",
            code_spans(&esc(&check.id.how_to_fix())),
            esc(&check.id.doc_path())
        )?;
    }
    if check.sample_total > 0 && matches!(check.status, Status::Fail | Status::Warn | Status::Pass)
    {
        let ids = check.sample_ids.first(IDS_SHOWN)?;
        let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
        let more = check.sample_total - ids.len() as i64;
        writeln!(
            w,
            "<p>Offending {} ids ({} in all): {}{}</p>",
            check.sample_kind.as_str().unwrap_or("row"),
            check.sample_total,
            listed.join(" "),
            if more > 0 {
                format!(" … and {more} more")
            } else {
                String::new()
            }
        )?;
    }
    if check.status > Status::Pass {
        // The check's own page, inline: the saved page is read away from the repository.
        writeln!(
            w,
            "<details><summary>How to fix (<code>session-audit explain-check {}</code>)</summary><pre class=\"doc\">{}</pre></details>",
            check.id,
            esc(check.id.doc())
        )?;
    }
    writeln!(w, "</article>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{RenderOptions, fixtures};

    #[test]
    fn code_spans_become_code_and_a_lone_backtick_stays() {
        assert_eq!(
            code_spans("run `a` then `b &amp; c`."),
            "run <code>a</code> then <code>b &amp; c</code>."
        );
        assert_eq!(code_spans("one ` only"), "one ` only");
    }

    #[test]
    fn the_page_has_its_sections_and_escapes_text() {
        let mut report = fixtures::report();
        report.checks[0].summary = "<script>alert(1)</script> & more".into();
        let mut out = Vec::new();
        render(&mut out, &report, &RenderOptions::default()).unwrap();
        let html = String::from_utf8(out).unwrap();
        for id in [
            "verdict", "summary", "crosstab", "changes", "history", "checks",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(!html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    }
}
