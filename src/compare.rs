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

use serde_json::Value;

use crate::comparison::{CellChange, CheckChange, Comparison, MetricChange};
use crate::error::AuditError;
use crate::report::{Report, Status};
use crate::vocab::CheckId;

/// Reads an earlier JSON report.
pub fn read_previous(path: &Path) -> Result<Value, AuditError> {
    let bad = |reason: String| AuditError::Compare {
        path: path.to_owned(),
        reason,
    };
    let text = crate::stdio::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not a JSON report ({e})")))?;
    if value.get("schema_version").and_then(Value::as_u64) != Some(1) {
        return Err(bad(
            "not a session-audit JSON report with schema_version 1".into()
        ));
    }
    Ok(value)
}

/// `previous` and `now` are both reports in their wire form (`wire::to_value`).
pub fn compare(previous: &Value, previous_file: &Path, now: &Value) -> Comparison {
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
        crosstab: crosstab_check()
            .map(|(id, columns)| {
                crosstab_changes(find_check(previous, id), find_check(now, id), columns)
            })
            .unwrap_or_default(),
        checks,
    }
}

fn find_check(report: &Value, id: CheckId) -> Option<&Value> {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["id"] == id.as_str()))
}

/// The check whose findings are a crosstab, and its (row, column, count) columns.
fn crosstab_check() -> Option<(CheckId, [&'static str; 3])> {
    CheckId::ALL
        .iter()
        .find_map(|id| id.spec().crosstab.map(|columns| (*id, columns)))
}

fn check_change(id: &str, before: Option<&Value>, after: &Value) -> CheckChange {
    let metric =
        |check: Option<&Value>, name: &str| check.and_then(|c| c["metrics"][name].as_i64());
    // The metrics the check declares; a report from another version may lack some.
    let declared = CheckId::parse(id).map_or(&[][..], |id| id.spec().metrics);
    let mut metrics = Vec::new();
    for name in declared {
        let Some(now) = metric(Some(after), name) else {
            continue;
        };
        let was = metric(before, name);
        if was != Some(now) {
            metrics.push(MetricChange {
                name: (*name).to_owned(),
                before: was,
                after: now,
                change: was.map(|w| now - w),
            });
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

fn crosstab_changes(
    before: Option<&Value>,
    after: Option<&Value>,
    [row, column, count]: [&str; 3],
) -> Vec<CellChange> {
    let cells = |check: Option<&Value>| -> Vec<(Value, Value, i64)> {
        check
            .and_then(|c| c["rows"].as_array())
            .map(|rows| {
                rows.iter()
                    .map(|r| {
                        (
                            r[row].clone(),
                            r[column].clone(),
                            r[count].as_i64().unwrap_or(0),
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
