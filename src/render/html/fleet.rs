//! The HTML page of a fleet audit (`--targets`): the fleet's verdict, the checks × targets
//! matrix and a section per target made of the one-database page's parts.

use std::io::Write;

use super::{changes, check_section, esc, notes, summary};
use crate::report::Report;

/// A fleet's page: its verdict, the checks × targets matrix (each cell a link to that check
/// of that target), a table of targets, then a section per target with its summary, changes
/// and checks. Anchors inside a target's section start with `target-NAME-`.
pub(super) fn page(w: &mut dyn Write, report: &Report, when: &str) -> std::io::Result<()> {
    let verdict = report.verdict().as_str();
    writeln!(
        w,
        "<header id=\"verdict\"><h1>session-audit fleet report</h1>\
         <p><span class=\"verdict v-{verdict}\">{}</span> {} · {} · session-audit {}</p>\
         <p>{}</p></header>",
        verdict.to_uppercase(),
        esc(when),
        esc(&crate::render::fleet::heading(report)),
        env!("CARGO_PKG_VERSION"),
        esc(&crate::render::fleet::verdicts(report)),
    )?;
    let matrix = crate::render::fleet::matrix(report);
    write!(
        w,
        "<section id=\"matrix\"><h2>Checks × targets</h2><table><tr><th>check</th>"
    )?;
    for name in &matrix.targets {
        write!(w, "<th><a href=\"#target-{name}\">{}</a></th>", esc(name))?;
    }
    writeln!(w, "</tr>")?;
    for (id, statuses) in &matrix.rows {
        write!(w, "<tr><td><code>{id}</code></td>")?;
        for (name, status) in matrix.targets.iter().zip(statuses) {
            let status = status.as_str();
            write!(
                w,
                "<td class=\"{status}\"><a class=\"{status}\" href=\"#target-{name}-check-{id}\">{status}</a></td>"
            )?;
        }
        writeln!(w, "</tr>")?;
    }
    writeln!(
        w,
        "</table></section>\n<section id=\"targets\"><h2>Targets</h2><table><tr><th>target</th><th>verdict</th><th>database</th><th>checks</th></tr>"
    )?;
    for target in &report.targets {
        let verdict = target.report.verdict().as_str();
        writeln!(
            w,
            "<tr><td><a href=\"#target-{name}\">{name}</a></td><td class=\"{verdict}\">{verdict}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(&target.report.database_url),
            esc(&crate::render::fleet::outcome(target)),
            name = esc(&target.name),
        )?;
    }
    writeln!(w, "</table></section>")?;
    for target in &report.targets {
        let prefix = format!("target-{}-", target.name);
        let verdict = target.report.verdict().as_str();
        writeln!(
            w,
            "<section id=\"target-{name}\" class=\"target\"><h2>Target {name} <span class=\"verdict v-{verdict}\">{}</span></h2>\
             <p><code>{}</code> ({})</p>",
            verdict.to_uppercase(),
            esc(&target.report.database_url),
            target.report.backend.map_or("unknown", |b| b.as_str()),
            name = esc(&target.name),
        )?;
        notes(w, &target.report, &prefix)?;
        summary(w, &target.report, &prefix)?;
        if target.report.comparison.is_some() {
            changes(w, &target.report, &prefix)?;
        }
        for check in &target.report.checks {
            check_section(w, check, &prefix)?;
        }
        writeln!(w, "</section>")?;
    }
    writeln!(w, "</body></html>")
}
