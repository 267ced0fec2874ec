//! CSV: one row per finding row, the check id first. The checks' tables differ, so the header
//! is the union of their columns in order of first appearance; cells a check does not have
//! are empty. Id lists are space-separated within their cell.
//!
//! An audit that could not give a verdict (its `error` is set) has no findings to list: its
//! CSV is `check,status,summary` with one row per check, or one row for the audit itself when
//! it stopped before any check ran, so a spreadsheet or a script sees the error, not an
//! empty file that reads like a clean pass.

use std::io::Write;

use super::RenderOptions;
use crate::report::Report;

pub fn render(w: &mut dyn Write, report: &Report, _options: &RenderOptions) -> std::io::Result<()> {
    if report.is_fleet() {
        return render_fleet(w, report);
    }
    if let Some(error) = &report.error {
        return render_error(w, report, error);
    }
    let mut columns: Vec<&str> = Vec::new();
    for check in &report.checks {
        for column in &check.rows.columns {
            if !columns.contains(column) {
                columns.push(column);
            }
        }
    }
    let mut out = csv::Writer::from_writer(w);
    // With a comparison, a `change` column marks rows new since the earlier report, and the
    // rows gone since then follow each check's, marked `gone`.
    let comparison = report.comparison.as_ref();
    let lead: &[&str] = if comparison.is_some() {
        &["check", "change"]
    } else {
        &["check"]
    };
    let header = lead.iter().copied().chain(columns.iter().copied());
    out.write_record(header).map_err(std::io::Error::other)?;
    for check in &report.checks {
        let change = comparison.and_then(|c| c.checks.iter().find(|x| x.id == check.id.as_str()));
        for row in &check.rows.rows {
            let mut record = vec![String::new(); columns.len() + lead.len()];
            record[0] = check.id.as_str().to_owned();
            for (column, cell) in check.rows.columns.iter().zip(row) {
                if let Some(at) = columns.iter().position(|c| c == column) {
                    record[at + lead.len()] = cell.to_plain();
                }
            }
            if let Some(change) = change {
                let value = crate::wire::row_value(&check.rows.columns, row);
                if change.new_rows.contains(&value) {
                    record[1] = "new".into();
                }
            }
            out.write_record(&record).map_err(std::io::Error::other)?;
        }
        for gone in change.map_or(&[][..], |c| c.gone_rows.as_slice()) {
            let mut record = vec![String::new(); columns.len() + lead.len()];
            record[0] = check.id.as_str().to_owned();
            record[1] = "gone".into();
            if let Some(map) = gone.as_object() {
                for (column, value) in map {
                    if let Some(at) = columns.iter().position(|c| c == column) {
                        record[at + lead.len()] = match value {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Null => String::new(),
                            serde_json::Value::Array(ids) => ids
                                .iter()
                                .map(|v| v.to_string())
                                .collect::<Vec<_>>()
                                .join(" "),
                            other => other.to_string(),
                        };
                    }
                }
            }
            out.write_record(&record).map_err(std::io::Error::other)?;
        }
    }
    out.flush()
}

/// A fleet: every check of every target, `target,check,check_status,check_summary` first, then
/// the union of the findings' columns. A check with findings has a row per finding (its
/// status and summary repeated), a check without one row, and a target that could not be
/// audited one row with no check and its error, so no target × check is missing.
fn render_fleet(w: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    const LEAD: [&str; 4] = ["target", "check", "check_status", "check_summary"];
    let mut columns: Vec<&str> = Vec::new();
    for check in report.targets.iter().flat_map(|t| &t.report.checks) {
        for column in &check.rows.columns {
            if !columns.contains(column) {
                columns.push(column);
            }
        }
    }
    let fail = std::io::Error::other;
    let mut out = csv::Writer::from_writer(w);
    out.write_record(LEAD.iter().chain(&columns))
        .map_err(fail)?;
    for target in &report.targets {
        let record = |check: &str, status: &str, summary: &str| {
            let mut record = vec![String::new(); LEAD.len() + columns.len()];
            record[..LEAD.len()].clone_from_slice(&[
                target.name.clone(),
                check.to_owned(),
                status.to_owned(),
                summary.to_owned(),
            ]);
            record
        };
        if let (Some(error), true) = (&target.report.error, target.report.checks.is_empty()) {
            out.write_record(record("", "error", error)).map_err(fail)?;
        }
        for check in &target.report.checks {
            let lead = record(check.id.as_str(), check.status.as_str(), &check.summary);
            if check.rows.rows.is_empty() {
                out.write_record(&lead).map_err(fail)?;
            }
            for row in &check.rows.rows {
                let mut line = lead.clone();
                for (column, cell) in check.rows.columns.iter().zip(row) {
                    if let Some(at) = columns.iter().position(|c| c == column) {
                        line[at + LEAD.len()] = cell.to_plain();
                    }
                }
                out.write_record(&line).map_err(fail)?;
            }
        }
    }
    out.flush()
}

fn render_error(w: &mut dyn Write, report: &Report, error: &str) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let fail = std::io::Error::other;
    out.write_record(["check", "status", "summary"])
        .map_err(fail)?;
    if report.checks.is_empty() {
        out.write_record(["", "error", error]).map_err(fail)?;
    }
    for check in &report.checks {
        out.write_record([check.id.as_str(), check.status.as_str(), &check.summary])
            .map_err(fail)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    #[test]
    fn csv_has_one_row_per_finding_with_the_union_header() {
        let mut out = Vec::new();
        render(&mut out, &fixtures::report(), &RenderOptions::default()).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap(), @r"
        check,status,start_time_null,count,service_id,start_time,session_ids
        coverage,confirmed,false,2,,,
        coverage,,true,1,,,
        duplicate-times,,,2,7,2025-01-15T14:00:00Z,11 12
        ");
    }
}
