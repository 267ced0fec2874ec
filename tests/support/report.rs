//! The JSON report as a consumer reads it: the contract of docs/json-report.md, in types.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonReport {
    pub schema_version: u32,
    pub tool: Tool,
    pub database: Database,
    /// When the audit started (RFC 3339, UTC).
    pub generated_at: String,
    /// Wall time of the whole audit, in milliseconds.
    pub duration_ms: u64,
    pub verdict: String,
    #[serde(default)]
    pub error: Option<String>,
    pub counts: BTreeMap<String, usize>,
    pub checks: Vec<JsonCheck>,
    #[serde(default)]
    pub comparison: Option<Comparison>,
    /// A fleet audit's targets, each with its own report.
    #[serde(default)]
    pub targets: Vec<JsonTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonTarget {
    pub name: String,
    pub report: JsonReport,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    pub previous_file: String,
    pub previous_generated_at: Option<String>,
    pub previous_verdict: Option<String>,
    pub checks: Vec<CheckChange>,
    pub crosstab: Vec<CellChange>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckChange {
    pub id: String,
    pub status_before: Option<String>,
    pub status_after: String,
    pub metrics: Vec<MetricChange>,
    pub new_ids: Vec<i64>,
    pub gone_ids: Vec<i64>,
    pub ids_complete: bool,
    pub new_rows: Vec<Value>,
    pub gone_rows: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricChange {
    pub name: String,
    pub before: Option<i64>,
    pub after: i64,
    pub change: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellChange {
    pub session_type: Value,
    pub visibility: Value,
    pub before: i64,
    pub after: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    pub backend: Option<String>,
    pub url: String,
    pub optional_columns: Vec<String>,
    pub host: Option<String>,
    pub name: Option<String>,
    pub tables: Option<Tables>,
    pub in_recovery: Option<bool>,
    pub replay_lag_s: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tables {
    pub bookings: String,
    pub sessions: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonCheck {
    pub id: String,
    pub title: String,
    pub status: String,
    pub summary: String,
    pub metrics: BTreeMap<String, i64>,
    pub rows: Vec<Map<String, Value>>,
    pub sample_kind: Option<String>,
    pub sample_ids: Vec<i64>,
    pub sample_total: i64,
    pub severity: String,
    pub waived_ids: Vec<i64>,
    pub waivers: Vec<JsonWaiver>,
    pub help: String,
    pub duration_ms: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonWaiver {
    pub ids: Vec<i64>,
    pub reason: String,
    pub expires: String,
    pub state: String,
    pub matched_ids: Vec<i64>,
}

/// The report's JSON Schema, compiled once per test process.
fn schema() -> &'static (boon::Schemas, boon::SchemaIndex) {
    static SCHEMA: std::sync::OnceLock<(boon::Schemas, boon::SchemaIndex)> =
        std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/report.schema.json");
        let text = std::fs::read_to_string(path).expect("docs/report.schema.json");
        let value: Value = serde_json::from_str(&text).expect("the schema is JSON");
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource("report.schema.json", value)
            .expect("add the schema");
        let index = compiler
            .compile("report.schema.json", &mut schemas)
            .unwrap_or_else(|e| panic!("the schema does not compile: {e:#}"));
        (schemas, index)
    })
}

/// Fails the test unless `report` (a parsed JSON report) validates against the schema.
pub fn validate(report: &Value) {
    let (schemas, index) = schema();
    if let Err(e) = schemas.validate(report, *index) {
        panic!("the JSON report does not match docs/report.schema.json: {e:#}\n{report:#}");
    }
}

/// A JSON report as a consumer reads it, after checking it against the published schema.
pub fn parse(text: &str) -> JsonReport {
    let value: Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"));
    validate(&value);
    serde_json::from_value(value).unwrap_or_else(|e| panic!("not a JSON report ({e}):\n{text}"))
}

impl JsonReport {
    pub fn check(&self, id: &str) -> &JsonCheck {
        self.checks
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no check {id} in {self:#?}"))
    }
}

impl JsonCheck {
    pub fn metric(&self, name: &str) -> i64 {
        *self
            .metrics
            .get(name)
            .unwrap_or_else(|| panic!("check {} has no metric {name}: {:?}", self.id, self.metrics))
    }

    /// The rows with only the named columns, as compact JSON text: easy to compare exactly.
    pub fn rows_of(&self, columns: &[&str]) -> Vec<String> {
        self.rows
            .iter()
            .map(|row| {
                let picked: Vec<String> = columns
                    .iter()
                    .map(|c| row.get(*c).cloned().unwrap_or(Value::Null).to_string())
                    .collect();
                picked.join(" ")
            })
            .collect()
    }
}

/// The checks of a JSON report as written, without their timings (which differ run to run).
fn checks_without_durations(run: &super::Run) -> Vec<Value> {
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    let mut checks = report["checks"].as_array().expect("checks").clone();
    assert!(
        !checks.is_empty(),
        "no checks: {}{}",
        run.stdout,
        run.stderr
    );
    for check in &mut checks {
        check
            .as_object_mut()
            .expect("a check is an object")
            .remove("duration_ms");
    }
    checks
}

/// Every check of the audit of `url` answers alone (`--only ID`) exactly as in the whole audit,
/// and the bookings-only checks together with and without status-vocabulary: the shared passes
/// are read differently in each (issue 17), and must agree. Returns how many checks fail.
pub fn assert_each_check_alone_agrees(url: &str) -> usize {
    let audit = |only: Option<&str>| {
        let mut args = vec!["--format", "json"];
        args.extend(only.map(|ids| ["--only", ids]).into_iter().flatten());
        checks_without_durations(&super::check(url, &args))
    };
    let whole = audit(None);
    assert_eq!(whole.len(), 15, "{whole:#?}");
    for expected in &whole {
        let id = expected["id"].as_str().expect("an id");
        assert_eq!(
            audit(Some(id)),
            std::slice::from_ref(expected),
            "{id} alone"
        );
    }
    for only in [
        "migration-state,coverage,make-required-readiness",
        "migration-state,coverage,make-required-readiness,status-vocabulary",
    ] {
        let expected: Vec<Value> = whole
            .iter()
            .filter(|c| only.split(',').any(|id| c["id"] == id))
            .cloned()
            .collect();
        assert_eq!(audit(Some(only)), expected, "{only}");
    }
    whole.iter().filter(|c| c["status"] == "fail").count()
}

/// A JSON report without its `generated_at` and `duration_ms` (the audit's and each check's),
/// the only fields two audits of the same data differ in.
pub fn without_time(json: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(json).expect("a JSON report");
    validate(&value);
    let report = value.as_object_mut().expect("an object");
    report.remove("generated_at").expect("generated_at");
    report.remove("duration_ms").expect("duration_ms");
    for check in report["checks"].as_array_mut().expect("checks") {
        check
            .as_object_mut()
            .and_then(|c| c.remove("duration_ms"))
            .expect("a check's duration_ms");
    }
    value
}
