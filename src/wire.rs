//! The JSON report's wire model: a documented contract (docs/json-report.md), separate from the
//! internal report types so that those can change without breaking anyone. The JSON renderer
//! writes it; `compare` reads two reports in this form (one from a file, one made now).
//!
//! Compatibility: `schema_version` is 1; fields are only ever added. Keys keep the order
//! declared here; metric and row keys keep the order each check declares.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::report::{Cell, CheckResult, Report, SampleIds, Status, format_time};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    database: Database<'a>,
    /// When the audit started, RFC 3339 in UTC.
    generated_at: String,
    /// Wall time of the whole audit in milliseconds (added in 0.1: additive).
    duration_ms: u64,
    verdict: &'static str,
    /// Why the audit stopped before its checks could run; absent when it did not stop.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    counts: Counts,
    checks: Vec<JsonCheck<'a>>,
    /// What changed since an earlier report; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<&'a crate::comparison::Comparison>,
    /// A fleet audit (`--targets`): each database's own report, in the targets file's order;
    /// `checks` are then each check rolled up over them. Absent for one database (added in
    /// 0.1: additive).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    targets: Vec<JsonTarget<'a>>,
}

#[derive(Serialize)]
struct JsonTarget<'a> {
    /// The target's name in the targets file.
    name: &'a str,
    /// The target's report, in this same contract (it has no `targets` of its own).
    report: JsonReport<'a>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Database<'a> {
    /// null when the audit stopped before the URL named a backend.
    backend: Option<&'static str>,
    /// The URL with its password replaced by `***`.
    url: &'a str,
    /// The optional columns the schema has and the checks used, as `role.column`.
    optional_columns: &'a [String],
    /// The server as `host:port` (`localhost` for SQLite); null when the URL was not read.
    host: Option<&'a str>,
    /// The database's name (a SQLite file's absolute path); null when the URL was not read.
    name: Option<&'a str>,
    /// The tables audited; null when the URL was not read.
    tables: Option<Tables<'a>>,
    /// PostgreSQL in recovery (a hot standby); null where the backend cannot tell.
    in_recovery: Option<bool>,
    /// On a standby, seconds since the last replayed transaction's commit; null elsewhere.
    replay_lag_s: Option<f64>,
}

#[derive(Serialize)]
struct Tables<'a> {
    bookings: &'a str,
    sessions: &'a str,
}

#[derive(Serialize)]
struct Counts {
    pass: usize,
    warn: usize,
    fail: usize,
    error: usize,
    skipped: usize,
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    id: &'static str,
    title: &'static str,
    status: &'static str,
    summary: &'a str,
    metrics: Map<String, Value>,
    rows: Vec<Map<String, Value>>,
    /// "booking", "session", or null for a check without offending rows.
    sample_kind: Option<&'static str>,
    sample_ids: JsonIds<'a>,
    /// All offending ids, however many `sample_ids` holds (waived ones included).
    sample_total: i64,
    /// "error", "warning" or "info": the most this check's findings may weigh.
    severity: &'static str,
    /// Offending ids a waiver in force covers (not in `sample_ids`).
    waived_ids: &'a [i64],
    waivers: Vec<JsonWaiver<'a>>,
    help: String,
    /// Wall time of this check in milliseconds (added in 0.1: additive).
    duration_ms: u64,
}

#[derive(Serialize)]
struct JsonWaiver<'a> {
    ids: &'a [i64],
    reason: &'a str,
    expires: String,
    /// "active", "expired" or "stale".
    state: &'static str,
    /// The waiver's ids that are offending now.
    matched_ids: &'a [i64],
}

/// Writes the ids as a JSON array straight from where they are (memory or spool).
struct JsonIds<'a>(&'a SampleIds);

impl Serialize for JsonIds<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        let mut failed = None;
        let read = self.0.visit(|id| {
            seq.serialize_element(&id).map_err(|e| {
                failed = Some(e);
                std::io::Error::other("serialize")
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        read.map_err(S::Error::custom)?;
        seq.end()
    }
}

/// One findings row as the JSON contract writes it (column -> value).
pub fn row_value(columns: &[&'static str], row: &[Cell]) -> Value {
    Value::Object(
        columns
            .iter()
            .map(|c| (*c).to_owned())
            .zip(row.iter().map(cell_value))
            .collect(),
    )
}

fn cell_value(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Int(v) => Value::from(*v),
        Cell::Text(v) => Value::from(v.as_str()),
        Cell::Bool(v) => Value::from(*v),
        Cell::Time(t) => Value::from(format_time(t)),
        Cell::Ids(ids) => Value::from(ids.clone()),
    }
}

fn check(result: &CheckResult) -> JsonCheck<'_> {
    let spec = result.id.spec();
    JsonCheck {
        id: result.id.as_str(),
        title: spec.title,
        status: result.status.as_str(),
        summary: &result.summary,
        metrics: result
            .metrics
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
            .collect(),
        rows: result
            .rows
            .rows
            .iter()
            .map(|row| {
                result
                    .rows
                    .columns
                    .iter()
                    .map(|c| (*c).to_owned())
                    .zip(row.iter().map(cell_value))
                    .collect()
            })
            .collect(),
        sample_kind: result.sample_kind.as_str(),
        sample_ids: JsonIds(&result.sample_ids),
        sample_total: result.sample_total,
        severity: result.severity.as_str(),
        waived_ids: &result.waived_ids,
        waivers: result
            .waivers
            .iter()
            .map(|w| JsonWaiver {
                ids: &w.ids,
                reason: &w.reason,
                expires: w.expires.format("%Y-%m-%d").to_string(),
                state: w.state.as_str(),
                matched_ids: &w.matched,
            })
            .collect(),
        help: result.id.doc_path(),
        duration_ms: millis(result.duration),
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The report as the JSON contract's value: what `--compare` reads back from a file.
pub fn to_value(report: &Report) -> serde_json::Result<Value> {
    serde_json::to_value(wire_report(report))
}

/// The report in its wire form, ready to serialize.
pub fn contract(report: &Report) -> impl Serialize + '_ {
    wire_report(report)
}

fn wire_report(report: &Report) -> JsonReport<'_> {
    JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        database: Database {
            backend: report.backend.map(|b| b.as_str()),
            url: &report.database_url,
            optional_columns: &report.optional_columns,
            host: report.fingerprint.as_ref().map(|f| f.host.as_str()),
            name: report.fingerprint.as_ref().map(|f| f.name.as_str()),
            tables: report.fingerprint.as_ref().map(|f| Tables {
                bookings: &f.bookings_table,
                sessions: &f.sessions_table,
            }),
            in_recovery: report.recovery.in_recovery,
            replay_lag_s: report.recovery.replay_lag_s,
        },
        verdict: report.verdict().as_str(),
        error: report.error.as_deref(),
        counts: Counts {
            pass: report.count(Status::Pass),
            warn: report.count(Status::Warn),
            fail: report.count(Status::Fail),
            error: report.count(Status::Error),
            skipped: report.count(Status::Skipped),
        },
        checks: report.checks.iter().map(check).collect(),
        generated_at: crate::report::format_time(&report.generated_at),
        duration_ms: millis(report.duration),
        comparison: report.comparison.as_ref(),
        targets: report
            .targets
            .iter()
            .map(|t| JsonTarget {
                name: &t.name,
                report: wire_report(&t.report),
            })
            .collect(),
    }
}
