//! `index.html` of a reports folder: every saved report, newest first, with its database,
//! verdict and key metrics, linking to its page, JSON and CSV. Self-contained like the report
//! pages (inline CSS, no network), and polyglot markup, so the tests read it as XML.

use std::io::Write;

use super::html::esc;
use crate::history::HistoryEntry;

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d1d1f}\
table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}\
th,td{border:1px solid #d0d0d7;padding:.25rem .55rem;text-align:left}th{background:#f3f3f6}\
td.n{text-align:right;font-variant-numeric:tabular-nums}\
.pass{color:#136c2e}.fail{color:#b00020}.error{color:#7a0010;font-weight:600}";

pub fn render(w: &mut dyn Write, entries: &[HistoryEntry]) -> std::io::Result<()> {
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <title>session-audit reports</title><style>{STYLE}</style></head><body>\n\
         <h1>session-audit reports</h1>\n<p><a href=\"latest.html\">The latest report</a> · {} report(s), newest first.</p>\n",
        entries.len()
    )?;
    writeln!(
        w,
        "<table id=\"reports\"><tr><th>when (UTC)</th><th>database</th><th>verdict</th><th>without session</th><th>scheduled without</th><th>duplicate groups</th><th>unknown values</th><th>files</th></tr>"
    )?;
    let cell = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    for entry in entries.iter().rev() {
        let verdict = entry.verdict.as_deref().unwrap_or("");
        writeln!(
            w,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td class=\"{v}\">{v}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td><a href=\"{}\">json</a> <a href=\"{}\">csv</a></td></tr>",
            esc(&entry.html),
            esc(entry.generated_at.as_deref().unwrap_or(&entry.stamp)),
            esc(entry.database.as_deref().unwrap_or("")),
            cell(entry.key.bookings_without_session),
            cell(entry.key.scheduled_without_session),
            cell(entry.key.duplicate_groups),
            cell(entry.key.unknown_values),
            esc(&entry.json),
            esc(&entry.csv),
            v = esc(verdict),
        )?;
    }
    writeln!(w, "</table></body></html>")
}
