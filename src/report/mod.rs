//! The one result of an audit: what every renderer sees, and all that it sees.
//!
//! Internal types, free to change; the JSON wire format is defined separately in
//! `render::json` and is the documented contract.

use chrono::{DateTime, Utc};

use crate::db::BackendKind;
use crate::vocab::{CheckId, Severity};
pub use crate::vocab::{IdKind, Status, Verdict};

mod findings;
pub use findings::{Cell, Rows, SampleIds, count_of, format_time, has, one_or_many};

/// What became of one waiver in this audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiverState {
    /// In force and matching offending rows, which then do not fail the check.
    Active,
    /// Past its expiry and matching offending rows: they fail the check again.
    Expired,
    /// Matching no offending row: the defect is gone, or the waiver is wrong. Remove it.
    Stale,
}

impl WaiverState {
    pub fn as_str(self) -> &'static str {
        match self {
            WaiverState::Active => "active",
            WaiverState::Expired => "expired",
            WaiverState::Stale => "stale",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaiverOutcome {
    pub ids: Vec<i64>,
    pub reason: String,
    pub expires: chrono::NaiveDate,
    pub state: WaiverState,
    /// The waiver's ids that are offending now.
    pub matched: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    pub id: CheckId,
    pub status: Status,
    /// The most its findings may weigh (config), already applied to `status`.
    pub severity: Severity,
    /// One sentence a person can act on.
    pub summary: String,
    /// Named counts, in the order the check declares them.
    pub metrics: Vec<(&'static str, i64)>,
    pub rows: Rows,
    pub sample_kind: IdKind,
    /// The first offending ids, up to `--sample`.
    pub sample_ids: SampleIds,
    /// How many offending ids there are in all, however many the sample holds.
    pub sample_total: i64,
    /// Offending ids covered by a waiver in force (not in `sample_ids`).
    pub waived_ids: Vec<i64>,
    /// Offending ids whose waiver expired: they count again.
    pub expired_waiver_ids: Vec<i64>,
    pub waivers: Vec<WaiverOutcome>,
    /// Wall time of this check on its connection. A pass several checks share (the booking
    /// join, the sessions' load) is paid by the first check that needs it; the others read
    /// its result and take almost no time.
    pub duration: std::time::Duration,
}

impl CheckResult {
    /// A check that could not be evaluated.
    pub fn error(id: CheckId, message: String) -> Self {
        Self::without_findings(id, Status::Error, message)
    }

    /// A check that did not run because the schema makes it meaningless.
    pub fn skipped(id: CheckId, reason: String) -> Self {
        Self::without_findings(id, Status::Skipped, reason)
    }

    pub(crate) fn without_findings(id: CheckId, status: Status, summary: String) -> Self {
        CheckResult {
            id,
            status,
            severity: id.default_settings().severity,
            summary,
            metrics: Vec::new(),
            rows: Rows::default(),
            sample_kind: id.sample_kind(),
            sample_ids: SampleIds::default(),
            sample_total: 0,
            waived_ids: Vec::new(),
            expired_waiver_ids: Vec::new(),
            waivers: Vec::new(),
            duration: std::time::Duration::ZERO,
        }
    }
}

/// Which database a report is of, without credentials: what `report`'s history and
/// `--compare` match on, so that two databases' reports are never taken for one's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    pub backend: String,
    /// `host:port` of the server (the default port written out), `localhost` for a SQLite file.
    pub host: String,
    /// The database's name; a SQLite file's absolute path.
    pub name: String,
    pub bookings_table: String,
    pub sessions_table: String,
}

impl Fingerprint {
    /// The fingerprint a JSON report (its wire form) records; None for a report written before
    /// reports had one (it has no `database.host`).
    pub fn of_report(report: &serde_json::Value) -> Option<Fingerprint> {
        let database = &report["database"];
        let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
        Some(Fingerprint {
            backend: text(&database["backend"])?,
            host: text(&database["host"])?,
            name: text(&database["name"])?,
            bookings_table: text(&database["tables"]["bookings"])?,
            sessions_table: text(&database["tables"]["sessions"])?,
        })
    }

    /// Is `report` (a wire form) of this database? A report without a fingerprint is taken
    /// to be, as it was before fingerprints: it can only be told apart by its URL.
    pub fn matches(&self, report: &serde_json::Value) -> bool {
        Fingerprint::of_report(report).is_none_or(|theirs| theirs == *self)
    }

    /// `postgres db:5432/prod (bookings_booking, services_servicesession)`: for messages.
    pub fn describe(&self) -> String {
        format!(
            "{} {}/{} ({}, {})",
            self.backend, self.host, self.name, self.bookings_table, self.sessions_table
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// None when the audit stopped before the URL named one.
    pub backend: Option<BackendKind>,
    /// The database URL with its password replaced by `***`.
    pub database_url: String,
    pub checks: Vec<CheckResult>,
    /// Set when the audit stopped before its checks could run (connection, schema, …).
    pub error: Option<String>,
    /// When the audit started (UTC).
    pub generated_at: DateTime<Utc>,
    /// What changed since an earlier report (`--compare`, or the latest in a reports folder).
    pub comparison: Option<crate::comparison::Comparison>,
    /// The saved reports before this one (`report`'s folder), oldest first; empty elsewhere.
    pub history: Vec<crate::history::HistoryEntry>,
    /// The optional columns the schema has and the checks took their meaning from
    /// (`bookings.start_time`, `sessions.status`, …), as `role.column`.
    pub optional_columns: Vec<String>,
    /// Wall time of the whole audit: connecting, the snapshot, the schema and every check.
    pub duration: std::time::Duration,
    /// None when the audit stopped before the URL could be read.
    pub fingerprint: Option<Fingerprint>,
    /// A hot standby or not, and its replay lag (unknown when the audit stopped early).
    pub recovery: crate::db::standby::Recovery,
    /// A fleet audit (`--targets`): each database's own report, in the targets file's order.
    /// The fleet's `checks` are then the roll-up of each check over the targets, and its
    /// verdict the worst of theirs. Empty for an audit of one database.
    pub targets: Vec<TargetReport>,
}

/// One database of a fleet audit and its report.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetReport {
    /// The target's name in the targets file.
    pub name: String,
    pub report: Report,
}

impl Report {
    /// A report with no checks yet, started now.
    pub fn new(backend: Option<BackendKind>, database_url: String) -> Self {
        Report {
            backend,
            database_url,
            checks: Vec::new(),
            error: None,
            generated_at: Utc::now(),
            comparison: None,
            history: Vec::new(),
            optional_columns: Vec::new(),
            duration: std::time::Duration::ZERO,
            fingerprint: None,
            recovery: crate::db::standby::Recovery::default(),
            targets: Vec::new(),
        }
    }

    /// `read on a hot standby (in recovery), replay lag 1.2 s`, or None on a primary.
    pub fn standby_note(&self) -> Option<String> {
        if self.recovery.in_recovery != Some(true) {
            return None;
        }
        let lag = self.recovery.replay_lag_s.map_or_else(
            || "replay lag unknown (nothing replayed since the standby started)".to_owned(),
            |lag| format!("replay lag {lag:.1} s"),
        );
        Some(format!(
            "read on a hot standby (in recovery): {lag}; the data is as of the primary then"
        ))
    }

    /// The database server the checks ran on (JUnit's `hostname`), `localhost` when unknown.
    pub fn host(&self) -> &str {
        self.fingerprint
            .as_ref()
            .map_or("localhost", |f| f.host.as_str())
    }

    pub fn verdict(&self) -> Verdict {
        if self.error.is_some() {
            return Verdict::Error;
        }
        let checks = match self.checks.iter().map(|c| c.status).max() {
            Some(Status::Error) => Verdict::Error,
            Some(Status::Fail) => Verdict::Fail,
            _ => Verdict::Pass,
        };
        // A fleet: a target that stopped (unreachable, nothing evaluated) may have no check
        // to carry its error into the roll-up, so its own verdict counts as well.
        self.targets
            .iter()
            .map(|t| t.report.verdict())
            .chain([checks])
            .max_by_key(|v| v.exit_code())
            .unwrap_or(checks)
    }

    /// A fleet audit's combined report (see `targets`).
    pub fn is_fleet(&self) -> bool {
        !self.targets.is_empty()
    }

    /// An audit that verified nothing must not pass: every selected check skipped, or both the
    /// bookings and the sessions empty (unless `allow_empty`: an operator's new database). Sets
    /// `error`, so the verdict is `error` and the exit code 2; the checks stay reported.
    pub fn refuse_nothing_evaluated(&mut self, allow_empty: bool) {
        if self.error.is_some() || self.checks.is_empty() {
            return;
        }
        if self.checks.iter().all(|c| c.status == Status::Skipped) {
            self.error = Some(
                "nothing was evaluated: every selected check was skipped (see their summaries); check the table names and --only"
                    .into(),
            );
            return;
        }
        let metric = |id: CheckId, name: &str| {
            self.checks
                .iter()
                .find(|c| c.id == id)
                .and_then(|c| c.metrics.iter().find(|(n, _)| *n == name))
                .map(|(_, v)| *v)
        };
        let bookings = metric(CheckId::Coverage, "total_bookings");
        let sessions = metric(CheckId::TypeDistribution, "total_sessions");
        if !allow_empty && bookings == Some(0) && sessions == Some(0) {
            self.error = Some(
                "nothing was evaluated: the bookings and the sessions tables are both empty; check that this is the right database, or pass --allow-empty for a new one"
                    .into(),
            );
        }
    }

    pub fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_statuses(statuses: &[Status]) -> Report {
        Report {
            checks: statuses
                .iter()
                .map(|s| CheckResult {
                    status: *s,
                    ..CheckResult::error(CheckId::Coverage, String::new())
                })
                .collect(),
            ..Report::new(Some(BackendKind::Sqlite), "x.db".into())
        }
    }

    #[test]
    fn verdict_is_the_worst_status_and_warnings_pass() {
        assert_eq!(
            with_statuses(&[Status::Pass, Status::Warn, Status::Skipped]).verdict(),
            Verdict::Pass
        );
        assert_eq!(
            with_statuses(&[Status::Pass, Status::Fail]).verdict(),
            Verdict::Fail
        );
        assert_eq!(
            with_statuses(&[Status::Fail, Status::Error]).verdict(),
            Verdict::Error
        );
        let mut stopped = with_statuses(&[Status::Pass]);
        stopped.error = Some("connection refused".into());
        assert_eq!(stopped.verdict(), Verdict::Error);
    }

    #[test]
    fn times_are_rfc3339_utc() {
        let t = DateTime::parse_from_rfc3339("2025-01-15T16:00:00+02:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_time(&t), "2025-01-15T14:00:00Z");
    }
}
