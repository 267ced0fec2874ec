//! The saved reports' history as data: what `history.json` lists and the HTML chart draws.
//!
//! Filled by `reports` from the folder, handed to the renderers inside the report. Which
//! numbers the chart follows is declared by the checks themselves (`CheckSpec::trend`), so a
//! renamed metric cannot silently drop out of it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::vocab::{CheckId, Trend};

/// One saved report, as the history index lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// `20261124T064700Z` (UTC), the part of the file names that tells the reports apart.
    pub stamp: String,
    pub generated_at: Option<String>,
    pub verdict: Option<String>,
    pub json: String,
    pub csv: String,
    pub html: String,
    pub key: KeyMetrics,
    /// Which database the report is of (`Fingerprint::describe`); absent for reports written
    /// before reports had a fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// The numbers the history chart follows over time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KeyMetrics {
    pub bookings_without_session: Option<i64>,
    pub scheduled_without_session: Option<i64>,
    pub duplicate_groups: Option<i64>,
    /// Sessions with an unknown session_type or visibility plus bookings with an unknown status.
    pub unknown_values: Option<i64>,
}

impl KeyMetrics {
    /// The series of a report in its wire form, from the metrics each check declares in its
    /// spec's `trend` (a series fed by several checks is their sum; absent when none reported).
    pub fn of(report: &Value) -> Self {
        let mut key = KeyMetrics::default();
        let checks = report["checks"].as_array().map_or(&[][..], Vec::as_slice);
        for check in checks {
            let Some(id) = check["id"].as_str().and_then(CheckId::parse) else {
                continue;
            };
            for (metric, trend) in id.spec().trend {
                if let Some(value) = check["metrics"][*metric].as_i64() {
                    let slot = key.slot(*trend);
                    *slot = Some(slot.unwrap_or(0) + value);
                }
            }
        }
        key
    }

    fn slot(&mut self, trend: Trend) -> &mut Option<i64> {
        match trend {
            Trend::BookingsWithoutSession => &mut self.bookings_without_session,
            Trend::ScheduledWithoutSession => &mut self.scheduled_without_session,
            Trend::DuplicateGroups => &mut self.duplicate_groups,
            Trend::UnknownValues => &mut self.unknown_values,
        }
    }

    /// (label, value) in the chart's order.
    pub fn series(&self) -> [(&'static str, Option<i64>); 4] {
        let mut copy = self.clone();
        Trend::ALL.map(|t| (t.label(), *copy.slot(t)))
    }
}
