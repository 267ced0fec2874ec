//! What changed between an earlier report and this one: per check the change of each metric,
//! offending ids and findings rows that are new or gone, and per cell of the
//! session_type × visibility crosstab. Both sides are read as the JSON contract (the earlier
//! report is a file written by `--format json` or `report`), so any earlier version's report
//! compares as long as the contract holds.
//!
//! New and gone ids are exact only when both reports list every offending id (`--sample all`):
//! otherwise `ids_complete` is false and they cover the listed ids only.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::error::AuditError;
use crate::report::{Report, Status};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The report compared with: its file and when it was made.
    pub previous_file: String,
    pub previous_generated_at: Option<String>,
    pub previous_verdict: Option<String>,
    pub checks: Vec<CheckChange>,
    /// Sessions per (session_type, visibility): cells whose count changed.
    pub crosstab: Vec<CellChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckChange {
    pub id: String,
    /// Absent when the earlier report did not have this check.
    pub status_before: Option<String>,
    pub status_after: String,
    /// Metrics whose value changed (or that are new).
    pub metrics: Vec<MetricChange>,
    pub new_ids: Vec<i64>,
    pub gone_ids: Vec<i64>,
    /// Both reports list every offending id, so new and gone ids are exact.
    pub ids_complete: bool,
    pub new_rows: Vec<Value>,
    pub gone_rows: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricChange {
    pub name: String,
    pub before: Option<i64>,
    pub after: i64,
    pub change: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellChange {
    pub session_type: Value,
    pub visibility: Value,
    pub before: i64,
    pub after: i64,
}

/// Reads an earlier JSON report.
pub fn read_previous(path: &Path) -> Result<Value, AuditError> {
    let bad = |reason: String| AuditError::Compare {
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not a JSON report ({e})")))?;
    if value.get("schema_version").and_then(Value::as_u64) != Some(1) {
        return Err(bad(
            "not a session-audit JSON report with schema_version 1".into()
        ));
    }
    Ok(value)
}

pub fn compare(previous: &Value, previous_file: &Path, current: &Report) -> Comparison {
    let now = crate::render::json::to_value(current).unwrap_or(Value::Null);
    let empty = Vec::new();
    let before_checks = previous["checks"].as_array().unwrap_or(&empty);
    let mut checks = Vec::new();
    for after in now["checks"].as_array().unwrap_or(&empty) {
        let id = after["id"].as_str().unwrap_or_default();
        let before = before_checks.iter().find(|c| c["id"] == after["id"]);
        checks.push(check_change(id, before, after));
    }
    Comparison {
        previous_file: previous_file.display().to_string(),
        previous_generated_at: previous["generated_at"].as_str().map(str::to_owned),
        previous_verdict: previous["verdict"].as_str().map(str::to_owned),
        crosstab: crosstab_changes(
            before_checks
                .iter()
                .find(|c| c["id"] == "type-distribution"),
            now["checks"]
                .as_array()
                .and_then(|a| a.iter().find(|c| c["id"] == "type-distribution")),
        ),
        checks,
    }
}

fn check_change(id: &str, before: Option<&Value>, after: &Value) -> CheckChange {
    let metric =
        |check: Option<&Value>, name: &str| check.and_then(|c| c["metrics"][name].as_i64());
    let mut metrics = Vec::new();
    if let Some(map) = after["metrics"].as_object() {
        for (name, value) in map {
            let Some(now) = value.as_i64() else { continue };
            let was = metric(before, name);
            if was != Some(now) {
                metrics.push(MetricChange {
                    name: name.clone(),
                    before: was,
                    after: now,
                    change: was.map(|w| now - w),
                });
            }
        }
    }
    let ids = |check: Option<&Value>| -> BTreeSet<i64> {
        check
            .and_then(|c| c["sample_ids"].as_array())
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default()
    };
    let complete = |check: Option<&Value>| {
        check.is_some_and(|c| {
            let listed = c["sample_ids"].as_array().map_or(0, Vec::len)
                + c["waived_ids"].as_array().map_or(0, Vec::len);
            listed as i64 >= c["sample_total"].as_i64().unwrap_or(0)
        })
    };
    let (was, now) = (ids(before), ids(Some(after)));
    let rows = |check: Option<&Value>| -> Vec<Value> {
        check
            .and_then(|c| c["rows"].as_array())
            .cloned()
            .unwrap_or_default()
    };
    let (rows_before, rows_after) = (rows(before), rows(Some(after)));
    CheckChange {
        id: id.to_owned(),
        status_before: before.and_then(|c| c["status"].as_str()).map(str::to_owned),
        status_after: after["status"].as_str().unwrap_or_default().to_owned(),
        metrics,
        new_ids: now.difference(&was).copied().collect(),
        gone_ids: was.difference(&now).copied().collect(),
        ids_complete: complete(before) && complete(Some(after)),
        new_rows: rows_after
            .iter()
            .filter(|r| !rows_before.contains(r))
            .cloned()
            .collect(),
        gone_rows: rows_before
            .iter()
            .filter(|r| !rows_after.contains(r))
            .cloned()
            .collect(),
    }
}

fn crosstab_changes(before: Option<&Value>, after: Option<&Value>) -> Vec<CellChange> {
    let cells = |check: Option<&Value>| -> Vec<(Value, Value, i64)> {
        check
            .and_then(|c| c["rows"].as_array())
            .map(|rows| {
                rows.iter()
                    .map(|r| {
                        (
                            r["session_type"].clone(),
                            r["visibility"].clone(),
                            r["count"].as_i64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (was, now) = (cells(before), cells(after));
    let count = |cells: &[(Value, Value, i64)], t: &Value, v: &Value| {
        cells
            .iter()
            .find(|(ct, cv, _)| ct == t && cv == v)
            .map_or(0, |c| c.2)
    };
    // Every (type, visibility) on either side, once, in order of first appearance.
    let mut keys: Vec<(&Value, &Value)> = Vec::new();
    for (t, v, _) in was.iter().chain(&now) {
        if !keys.contains(&(t, v)) {
            keys.push((t, v));
        }
    }
    keys.into_iter()
        .filter_map(|(t, v)| {
            let (before, after) = (count(&was, t, v), count(&now, t, v));
            (before != after).then(|| CellChange {
                session_type: t.clone(),
                visibility: v.clone(),
                before,
                after,
            })
        })
        .collect()
}

/// `--fail-on-new`: a failing check whose offending rows were all there in the earlier report
/// only warns, so a known backlog does not block a deploy while any new defect does. When the
/// earlier report listed only a sample of its ids, new cannot be told from known: the check
/// keeps failing, and says why.
pub fn fail_only_on_new(report: &mut Report) {
    let Some(comparison) = report.comparison.clone() else {
        return;
    };
    for check in report
        .checks
        .iter_mut()
        .filter(|c| c.status == Status::Fail)
    {
        let Some(change) = comparison.checks.iter().find(|c| c.id == check.id.as_str()) else {
            continue;
        };
        let has_ids = check.sample_kind.as_str().is_some();
        if change.status_before.is_none() {
            check
                .summary
                .push_str(" (--fail-on-new: the earlier report did not have this check.)");
        } else if has_ids && !change.ids_complete {
            check.summary.push_str(
                " (--fail-on-new: the earlier report lists only some offending ids, so new ones cannot be told from known ones; make the baseline with --sample all.)",
            );
        } else if (has_ids && change.new_ids.is_empty()) || (!has_ids && change.new_rows.is_empty())
        {
            check.status = Status::Warn;
            check.summary.push_str(&format!(
                " No new offending rows since {} (--fail-on-new).",
                comparison
                    .previous_generated_at
                    .as_deref()
                    .unwrap_or("the earlier report")
            ));
        } else {
            let new = if has_ids {
                change.new_ids.len()
            } else {
                change.new_rows.len()
            };
            check.summary.push_str(&format!(
                " {new} offending rows are new since the earlier report (--fail-on-new)."
            ));
        }
    }
}

/// The comparison as lines a person reads (table, Markdown, JUnit): what changed per check,
/// then the crosstab cells. Checks where nothing changed are left out.
pub fn describe(comparison: &Comparison) -> Vec<String> {
    let ids = |ids: &[i64]| {
        let shown: Vec<String> = ids.iter().take(10).map(i64::to_string).collect();
        let more = ids.len().saturating_sub(10);
        let more = if more > 0 {
            format!(" … +{more}")
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(" "))
    };
    let mut lines = Vec::new();
    for change in &comparison.checks {
        let mut parts = Vec::new();
        if change.status_before.as_deref() != Some(change.status_after.as_str()) {
            parts.push(format!(
                "{} → {}",
                change.status_before.as_deref().unwrap_or("new check"),
                change.status_after
            ));
        }
        for m in &change.metrics {
            parts.push(match (m.before, m.change) {
                (Some(before), Some(d)) => format!("{} {d:+} ({before} → {})", m.name, m.after),
                _ => format!("{} {} (new)", m.name, m.after),
            });
        }
        let partial = if change.ids_complete {
            ""
        } else {
            " among the listed ids"
        };
        if !change.new_ids.is_empty() {
            parts.push(format!(
                "{} new ids{partial}: {}",
                change.new_ids.len(),
                ids(&change.new_ids)
            ));
        }
        if !change.gone_ids.is_empty() {
            parts.push(format!(
                "{} gone ids{partial}: {}",
                change.gone_ids.len(),
                ids(&change.gone_ids)
            ));
        }
        if !change.new_rows.is_empty() || !change.gone_rows.is_empty() {
            parts.push(format!(
                "findings rows {} new, {} gone",
                change.new_rows.len(),
                change.gone_rows.len()
            ));
        }
        if !parts.is_empty() {
            lines.push(format!("{}: {}", change.id, parts.join("; ")));
        }
    }
    for cell in &comparison.crosstab {
        lines.push(format!(
            "sessions {} / {}: {} → {}",
            cell.session_type, cell.visibility, cell.before, cell.after
        ));
    }
    if lines.is_empty() {
        lines.push("nothing changed".into());
    }
    lines
}

/// Where the comparison's earlier report came from, for headings.
pub fn heading(comparison: &Comparison) -> String {
    format!(
        "Changes since {} ({})",
        comparison.previous_file,
        comparison
            .previous_generated_at
            .as_deref()
            .unwrap_or("time unknown")
    )
}
