//! What changed since an earlier report, as data the renderers print: computed once by
//! `compare` from two reports in their wire form, then handed to every format with the report.
//! The words for people (`heading`, `lines`) are here too, so the table, Markdown, JUnit and
//! HTML say the same thing without importing `compare` or each other.

use serde::Serialize;
use serde_json::Value;

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

impl Comparison {
    /// The comparison as lines a person reads (table, Markdown, JUnit): what changed per check,
    /// then the crosstab cells. Checks where nothing changed are left out.
    pub fn lines(&self) -> Vec<String> {
        let comparison = self;
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
    pub fn heading(&self) -> String {
        let comparison = self;
        format!(
            "Changes since {} ({})",
            comparison.previous_file,
            comparison
                .previous_generated_at
                .as_deref()
                .unwrap_or("time unknown")
        )
    }
}
