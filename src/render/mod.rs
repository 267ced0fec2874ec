//! Renderers: each turns a finished [`Report`] into one output format. They never query.
//!
//! One file per format, one `render(w, report, options)` signature, one dispatch here.

pub mod annotations;
mod chart;
mod csv;
mod fleet;
mod html;
mod index_page;
mod json;
mod junit;
mod markdown;
mod openmetrics;
mod table;

use std::io::Write;

use crate::report::{Report, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable tables for a terminal.
    Table,
    /// One row per finding, check id first.
    Csv,
    /// The documented JSON report (docs/json-report.md).
    Json,
    /// JUnit XML, one testcase per check, for CI test reports.
    Junit,
    /// Markdown for a CI job summary: a table of checks and the failing ones in detail.
    Markdown,
    /// A self-contained HTML page (inline CSS and SVG); `report` adds the history chart.
    Html,
    /// OpenMetrics text for node_exporter's textfile collector or a Pushgateway.
    Openmetrics,
}

/// How the output will be seen; only the table format cares.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Writing to a terminal: tables may fit its width.
    pub terminal: bool,
    /// Colour the statuses (`--color`; by default a terminal, and `NO_COLOR` not set).
    pub color: bool,
    /// Wrap tables at this many columns (`--width`, the terminal's, or `COLUMNS`).
    pub width: Option<u16>,
}

/// The reports folder's `index.html` (not a report format: it lists saved reports).
pub use index_page::render as index_page;

pub fn render(
    format: Format,
    w: &mut dyn Write,
    report: &Report,
    options: &RenderOptions,
) -> std::io::Result<()> {
    match format {
        Format::Table => table::render(w, report, options),
        Format::Csv => csv::render(w, report, options),
        Format::Json => json::render(w, report, options),
        Format::Junit => junit::render(w, report, options),
        Format::Markdown => markdown::render(w, report, options),
        Format::Html => html::render(w, report, options),
        Format::Openmetrics => openmetrics::render(w, report, options),
    }
}

/// "3 failed, 12 passed": how many of the report's checks have each status, in the order and
/// words given, statuses with no check left out.
pub(crate) fn status_counts(report: &Report, words: &[(Status, &str)]) -> Vec<String> {
    words
        .iter()
        .filter_map(|(status, word)| {
            let n = report.count(*status);
            (n > 0).then(|| format!("{n} {word}"))
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! A hand-built report that every renderer test prints.

    use crate::report::SampleIds;
    use chrono::{TimeZone, Utc};

    use crate::db::BackendKind;
    use crate::report::{
        Cell, CheckResult, IdKind, Report, Rows, Status, WaiverOutcome, WaiverState,
    };
    use crate::settings::Severity;
    use crate::vocab::CheckId;

    pub fn report() -> Report {
        let mut coverage_rows = Rows::new(&["status", "start_time_null", "count"]);
        coverage_rows.push(vec![
            Cell::Text("confirmed".into()),
            Cell::Bool(false),
            Cell::Int(2),
        ]);
        coverage_rows.push(vec![Cell::Null, Cell::Bool(true), Cell::Int(1)]);
        let mut dup_rows = Rows::new(&["service_id", "start_time", "count", "session_ids"]);
        dup_rows.push(vec![
            Cell::Int(7),
            Cell::Time(Utc.with_ymd_and_hms(2025, 1, 15, 14, 0, 0).unwrap()),
            Cell::Int(2),
            Cell::Ids(vec![11, 12]),
        ]);
        Report {
            backend: Some(BackendKind::Postgres),
            database_url: "postgres://app:***@db/prod".into(),
            error: None,
            generated_at: Utc.with_ymd_and_hms(2026, 11, 24, 6, 0, 0).unwrap(),
            comparison: None,
            history: Vec::new(),
            optional_columns: vec!["bookings.start_time".into(), "sessions.status".into()],
            duration: std::time::Duration::from_millis(1500),
            recovery: crate::db::standby::Recovery {
                in_recovery: Some(false),
                replay_lag_s: None,
            },
            targets: Vec::new(),
            fingerprint: Some(crate::report::Fingerprint {
                backend: "postgres".into(),
                host: "db:5432".into(),
                name: "prod".into(),
                bookings_table: "bookings_booking".into(),
                sessions_table: "services_servicesession".into(),
            }),
            checks: vec![
                CheckResult {
                    id: CheckId::Coverage,
                    status: Status::Fail,
                    summary: "3 of 10 bookings have no session; 2 of those are scheduled, which blocks bookings.0013.".into(),
                    metrics: vec![("total_bookings", 10), ("without_session", 3)],
                    rows: coverage_rows,
                    sample_kind: IdKind::Booking,
                    sample_ids: SampleIds::Memory(vec![4, 5]),
                    sample_total: 3,
                    severity: Severity::Error,
                    waived_ids: vec![6],
                    expired_waiver_ids: vec![],
                    duration: std::time::Duration::from_millis(1234),
                    waivers: vec![
                        WaiverOutcome {
                            ids: vec![6],
                            reason: "imported from the old system".into(),
                            expires: chrono::NaiveDate::from_ymd_opt(2030, 1, 31).unwrap(),
                            state: WaiverState::Active,
                            matched: vec![6],
                        },
                        WaiverOutcome {
                            ids: vec![99],
                            reason: "fixed long ago".into(),
                            expires: chrono::NaiveDate::from_ymd_opt(2030, 1, 31).unwrap(),
                            state: WaiverState::Stale,
                            matched: vec![],
                        },
                    ],
                },
                CheckResult {
                    id: CheckId::DuplicateTimes,
                    status: Status::Fail,
                    summary: "1 group of workshop/course sessions share a service and start time (2 sessions in all).".into(),
                    metrics: vec![("duplicate_groups", 1), ("duplicate_sessions", 2)],
                    rows: dup_rows,
                    sample_kind: IdKind::Session,
                    sample_ids: SampleIds::Memory(vec![11, 12]),
                    sample_total: 2,
                    severity: Severity::Error,
                    waived_ids: vec![],
                    expired_waiver_ids: vec![],
                    waivers: vec![],
                    duration: std::time::Duration::from_millis(56),
                },
                CheckResult::error(CheckId::TypeDistribution, "table \"x\" does not exist".into()),
            ],
        }
    }
}
