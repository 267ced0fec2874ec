//! What every check gets to do its work, and the helpers that keep checks small.
//!
//! The SQL bindings (table names, vocabularies, schema-dependent column expressions) are made
//! once per audit by [`audit_bindings`], so a check names its template and reads rows.
//! [`CheckContext::offenders`] lists offending ids the same way for every check: a count from
//! the check's aggregate, the first ids from its `*_sample.sql`, and the waived ones matched in
//! SQL, so only ids that are shown or waived travel to the tool.

use std::collections::BTreeSet;

use super::CheckId;
use super::booking_join::{JoinGroup, JoinParts};
use super::profile::{BookingGroup, ProfileSource};
use super::session_load::SessionLoad;
use crate::db::types::IdRow;
use crate::db::{BackendKind, QueryError, Row, Schema, Snapshot};
use crate::report::{CheckResult, Rows, SampleIds, Status};
use crate::settings::SampleLimit;
use crate::settings::{AuditSettings, TableRole};
use crate::spool::SpoolWriter;
use crate::sql::{Bindings, SoftDelete, TemplateError, bind};

/// Why a check could not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The database holds a value the check cannot interpret; fail closed.
    #[error("{0}")]
    BadData(String),
    #[error(
        "cannot spool the offending ids to a temporary file: {0}; check the space in the temporary directory (TMPDIR)"
    )]
    Spool(#[from] std::io::Error),
}

/// Results of scans that several checks read, made once per audit by whichever check needs
/// them first; checks running at the same time on other connections wait for it.
#[derive(Default)]
pub struct Shared {
    pub(super) bookings_profile: tokio::sync::OnceCell<Vec<BookingGroup>>,
    pub(super) booking_join: tokio::sync::OnceCell<Vec<JoinGroup>>,
    /// The booking join's parts, where it is made in parts (SQLite on two connections).
    pub(super) join_parts: JoinParts,
    pub(super) session_load: tokio::sync::OnceCell<SessionLoad>,
    /// Where the bookings profile comes from in this audit (issue 17).
    pub(super) profile_source: ProfileSource,
}

impl Shared {
    /// The shared passes of an audit that runs `checks` (those the schema lets run), the
    /// booking join made in `join_parts` parts (see `booking_join::parts`).
    pub fn for_checks(checks: &[CheckId], join_parts: usize) -> Self {
        Shared {
            profile_source: ProfileSource::for_checks(checks),
            join_parts: JoinParts::new(join_parts),
            ..Shared::default()
        }
    }
}

pub struct CheckContext<'a> {
    pub id: CheckId,
    pub snapshot: &'a mut Snapshot,
    pub settings: &'a AuditSettings,
    pub schema: &'a Schema,
    pub bindings: &'a Bindings,
    pub shared: &'a Shared,
}

/// Offending ids of one check: how many, the first few, and which are waived.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Offenders {
    pub total: i64,
    /// The first unwaived ids, up to `--sample` (all of them, spooled, for `--sample all`).
    pub sample: SampleIds,
    /// Offending ids covered by a waiver in force.
    pub waived: Vec<i64>,
    /// Offending ids whose waiver has expired: they count as offending again.
    pub expired: Vec<i64>,
}

impl Offenders {
    /// The offending rows that no waiver in force covers: what status is judged on.
    pub fn unwaived(&self) -> i64 {
        self.total - self.waived.len() as i64
    }

    /// `Fail` when something unwaived offends, else `Pass`.
    pub fn status(&self) -> Status {
        if self.unwaived() > 0 {
            Status::Fail
        } else {
            Status::Pass
        }
    }
}

/// The bindings every template may use. Columns a cleanup migration may have dropped are bound
/// to `NULL` when absent, so one template serves both schemas.
pub fn audit_bindings(settings: &AuditSettings, schema: &Schema, backend: BackendKind) -> Bindings {
    let t = &settings.tables;
    let v = &settings.vocabulary;
    let has = |table: &str, column: &str| schema.has_column(table, column);
    let mut inactive = v.not_scheduled.clone();
    inactive.extend(
        v.finished
            .iter()
            .filter(|s| !v.not_scheduled.contains(s))
            .cloned(),
    );
    let binary = backend == BackendKind::Mysql;
    let projection = |table: &str| schema.projection(table);
    Bindings::default()
        .view(
            "bookings",
            &t.bookings,
            projection(&t.bookings),
            soft_delete(settings, schema),
        )
        .view("all_bookings", &t.bookings, projection(&t.bookings), None)
        .view("sessions", &t.sessions, projection(&t.sessions), None)
        .view("services", &t.services, projection(&t.services), None)
        .view(
            "service_types",
            &t.service_types,
            projection(&t.service_types),
            None,
        )
        .view("migrations", &t.migrations, projection(&t.migrations), None)
        .texts("session_types", &v.session_types)
        .texts("visibilities", &v.visibilities)
        .texts("exclusive_time_types", &v.exclusive_time_types)
        .texts("individual_type", std::slice::from_ref(&v.individual.0))
        .texts(
            "individual_visibility",
            std::slice::from_ref(&v.individual.1),
        )
        .texts("known_statuses", &v.statuses)
        .texts("not_scheduled", &v.not_scheduled)
        .texts("canceled_statuses", &v.canceled)
        .texts("inactive_statuses", &inactive)
        .cases("type_mapping", &v.type_mapping)
        .texts(
            "default_session_type",
            std::slice::from_ref(&v.default_session_type),
        )
        .exact_column("exact_status", "b", "status", binary)
        .exact_column("exact_session_type", "s", "session_type", binary)
        .exact_column("exact_visibility", "s", "visibility", binary)
        .exact_column("exact_code", "st", "code", binary)
        .column(
            "legacy_start",
            "b",
            "start_time",
            has(&t.bookings, "start_time"),
        )
        .column("legacy_end", "b", "end_time", has(&t.bookings, "end_time"))
        .column("duration", "s", "duration", has(&t.sessions, "duration"))
        .column(
            "max_participants",
            "s",
            "max_participants",
            has(&t.sessions, "max_participants"),
        )
        .column(
            "current_participants",
            "s",
            "current_participants",
            has(&t.sessions, "current_participants"),
        )
        .column(
            "session_status",
            "s",
            &v.session_status_column,
            has(&t.sessions, &v.session_status_column),
        )
        .texts("canceled_session_statuses", &v.canceled_session_statuses)
        .texts("draft_session_statuses", &v.draft_session_statuses)
        .int("sample_limit", settings.sample.as_sql_limit())
}

/// How the bookings table marks soft-deleted rows, if it does: the configured column
/// (`[bookings] soft_delete_column`), else `is_deleted`, else `deleted_at`. A date or time
/// column is deleted when set, any other when true.
pub fn soft_delete(settings: &AuditSettings, schema: &Schema) -> Option<SoftDelete> {
    let table = &settings.tables.bookings;
    let configured = settings.soft_delete_column.as_deref();
    let candidates = match configured {
        Some(column) => vec![column],
        None => vec!["is_deleted", "deleted_at"],
    };
    candidates.into_iter().find_map(|name| {
        let column = schema.column(table, name)?;
        // The view filters on the column's real name, which the config may rename.
        let real = schema
            .projection(table)
            .and_then(|p| p.iter().find(|(_, exposed)| exposed == name))
            .map_or(name, |(real, _)| real.as_str())
            .to_owned();
        let kind = column.data_type.to_lowercase();
        Some(if kind.contains("time") || kind.contains("date") {
            SoftDelete::Stamp(real)
        } else {
            SoftDelete::Flag(real)
        })
    })
}

/// `-vv`: the SQL a check is about to run, as its template (placeholders, not values: values
/// travel as bind parameters), on one line.
fn log_query(id: CheckId, template: &str) {
    if tracing::enabled!(tracing::Level::DEBUG) {
        let sql: Vec<&str> = template
            .lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .flat_map(str::split_whitespace)
            .collect();
        tracing::debug!("{id}: query: {}", sql.join(" "));
    }
}

impl CheckContext<'_> {
    pub async fn load<T: Row>(&mut self, template: &'static str) -> Result<Vec<T>, CheckError> {
        log_query(self.id, template);
        Ok(self.snapshot.load(bind(template, self.bindings)?).await?)
    }

    /// Like `load`, for the template `name`, with the PostgreSQL planner setting the query
    /// registry gives it (`queries::tuning`), if any.
    pub async fn load_tuned<T: Row>(
        &mut self,
        template: &'static str,
        name: &str,
    ) -> Result<Vec<T>, CheckError> {
        log_query(self.id, template);
        let query = bind(template, self.bindings)?;
        Ok(match crate::queries::tuning(name) {
            Some(tuning) => self.snapshot.load_tuned(query, tuning).await?,
            None => self.snapshot.load(query).await?,
        })
    }

    /// Like `load`, with check-specific bindings added to the audit's.
    pub async fn load_with<T: Row>(
        &mut self,
        template: &'static str,
        extra: impl FnOnce(Bindings) -> Bindings,
    ) -> Result<Vec<T>, CheckError> {
        log_query(self.id, template);
        let bindings = extra(self.bindings.clone());
        Ok(self.snapshot.load(bind(template, &bindings)?).await?)
    }

    pub fn has_column(&self, role: TableRole, column: &str) -> bool {
        self.schema.has_column(self.settings.table(role), column)
    }

    /// The offending ids behind a count: `template` is a `*_sample.sql` returning one `id`
    /// column in order, with `LIMIT :sample_limit`. Runs only when `total > 0`.
    pub async fn offenders(
        &mut self,
        total: i64,
        template: &'static str,
    ) -> Result<Offenders, CheckError> {
        self.offenders_with(total, template, |b| b).await
    }

    /// Like `offenders`, for a sample template that needs check-specific bindings.
    pub async fn offenders_with(
        &mut self,
        total: i64,
        template: &'static str,
        extra: impl Fn(Bindings) -> Bindings,
    ) -> Result<Offenders, CheckError> {
        if total == 0 {
            return Ok(Offenders::default());
        }
        log_query(self.id, template);
        let base = extra(self.bindings.clone());
        let (active, lapsed) = self.waived_ids();
        let all: Vec<i64> = active.union(&lapsed).copied().collect();
        let matched: BTreeSet<i64> = if all.is_empty() {
            BTreeSet::new()
        } else {
            let every = base.clone().int("sample_limit", i64::MAX);
            let query = bind(template, &every)?.ids_among(&all)?;
            let rows: Vec<IdRow> = self.snapshot.load(query).await?;
            rows.into_iter().map(|r| r.id).collect()
        };
        let waived: Vec<i64> = matched
            .iter()
            .copied()
            .filter(|id| active.contains(id))
            .collect();
        let expired: Vec<i64> = matched
            .iter()
            .copied()
            .filter(|id| !active.contains(id))
            .collect();
        let sample = if self.settings.sample == SampleLimit::All {
            // Every id was asked for: stream them to a spool, not into memory.
            let query = bind(template, &base.int("sample_limit", i64::MAX))?;
            let spool = self
                .snapshot
                .spool_ids(query, waived.clone(), SpoolWriter::new()?)
                .await?;
            SampleIds::Spooled(std::sync::Arc::new(spool.finish()?))
        } else {
            let limit = self.settings.sample.take();
            let fetch = self
                .settings
                .sample
                .as_sql_limit()
                .saturating_add(waived.len() as i64);
            let query = bind(template, &base.int("sample_limit", fetch))?;
            let rows: Vec<IdRow> = self.snapshot.load(query).await?;
            SampleIds::Memory(
                rows.into_iter()
                    .map(|r| r.id)
                    .filter(|id| !waived.contains(id))
                    .take(limit)
                    .collect(),
            )
        };
        Ok(Offenders {
            total,
            sample,
            expired,
            waived,
        })
    }

    /// The same, when the check already holds every offending id (from its findings rows).
    pub fn offenders_in(&self, ids: &[i64]) -> Offenders {
        let (active, expired) = self.waived_ids();
        let waived: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| active.contains(id))
            .collect();
        Offenders {
            total: ids.len() as i64,
            sample: SampleIds::Memory(
                ids.iter()
                    .copied()
                    .filter(|id| !active.contains(id))
                    .take(self.settings.sample.take())
                    .collect(),
            ),
            expired: ids
                .iter()
                .copied()
                .filter(|id| expired.contains(id) && !active.contains(id))
                .collect(),
            waived,
        }
    }

    /// Ids under a waiver in force, and ids only under expired ones.
    fn waived_ids(&self) -> (BTreeSet<i64>, BTreeSet<i64>) {
        let mut active = BTreeSet::new();
        let mut expired = BTreeSet::new();
        for waiver in self.settings.waivers_for(self.id) {
            let set = if waiver.expires >= self.settings.today {
                &mut active
            } else {
                &mut expired
            };
            set.extend(waiver.ids.iter().copied());
        }
        let expired = expired.difference(&active).copied().collect();
        (active, expired)
    }

    /// A finished result: the check's findings plus what every result carries.
    pub fn result(
        &self,
        status: Status,
        summary: String,
        metrics: Vec<(&'static str, i64)>,
        rows: Rows,
        offenders: Offenders,
    ) -> CheckResult {
        // The spec's list is what comparisons and the history chart rely on: a renamed metric
        // must rename it there too (every test run would stop here otherwise).
        debug_assert!(
            metrics
                .iter()
                .map(|(name, _)| *name)
                .eq(self.id.spec().metrics.iter().copied()),
            "{}: metrics {:?} differ from the spec's {:?}",
            self.id,
            metrics,
            self.id.spec().metrics
        );
        CheckResult {
            id: self.id,
            status,
            severity: self.settings.check(self.id).severity,
            summary,
            metrics,
            rows,
            sample_kind: self.id.sample_kind(),
            sample_ids: offenders.sample,
            sample_total: offenders.total,
            waived_ids: offenders.waived,
            expired_waiver_ids: offenders.expired,
            waivers: Vec::new(),
            // Set by the runner, which times the check from its start.
            duration: std::time::Duration::ZERO,
        }
    }
}

/// The status of a check whose table has no rows: nothing was verified, which is usually the
/// wrong database or table, so it must not read as a clean pass.
pub fn empty_table(table: &str) -> (Status, String) {
    (
        Status::Warn,
        format!(
            "{table} is empty: nothing to verify; check that this is the right database and table."
        ),
    )
}
