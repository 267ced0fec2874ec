//! The checks: each is data (a [`CheckSpec`]) plus one entry point, in its own file.
//!
//! [`CheckId`] is the one name of a check everywhere: `--only`, the config file, every output
//! format and `docs/checks/<id>.md`. Checks never print; they return a [`CheckResult`] that
//! the [`runner`] gathers into the report.

mod coverage;
mod duplicate_times;
pub mod runner;
mod type_distribution;

use diesel::QueryableByName;
use diesel::sql_types::BigInt;

use crate::db::{QueryError, Snapshot};
use crate::report::{CheckResult, IdKind, Status};
use crate::settings::{AuditSettings, TableRole};
use crate::sql::{Bindings, bind};

/// The stable, kebab-case id of a check. Once released, ids are only ever added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum CheckId {
    Coverage,
    TypeDistribution,
    DuplicateTimes,
}

impl CheckId {
    pub const ALL: [CheckId; 3] = [
        CheckId::Coverage,
        CheckId::TypeDistribution,
        CheckId::DuplicateTimes,
    ];

    pub fn as_str(self) -> &'static str {
        self.spec().id
    }

    pub fn spec(self) -> &'static CheckSpec {
        match self {
            CheckId::Coverage => &coverage::SPEC,
            CheckId::TypeDistribution => &type_distribution::SPEC,
            CheckId::DuplicateTimes => &duplicate_times::SPEC,
        }
    }

    pub fn sample_kind(self) -> IdKind {
        self.spec().sample_kind
    }

    /// Where this check's documentation lives, relative to the repository root.
    pub fn doc_path(self) -> String {
        format!("docs/checks/{}.md", self.as_str())
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a check is, as data: its id, what it reads, what its sample ids are.
pub struct CheckSpec {
    pub id: &'static str,
    pub title: &'static str,
    /// Columns the check cannot run without, per table.
    pub needs: &'static [(TableRole, &'static [&'static str])],
    pub sample_kind: IdKind,
}

/// What a check gets to do its work: the snapshot to query and the resolved settings.
pub struct CheckContext<'a> {
    pub snapshot: &'a mut Snapshot,
    pub settings: &'a AuditSettings,
}

/// The one column every `queries/*_sample.sql` returns.
#[derive(QueryableByName)]
struct SampleId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

impl CheckContext<'_> {
    /// The first offending ids, up to `--sample`: runs a `*_sample.sql` template with
    /// `:sample_limit` bound, and only when there is something to list.
    pub async fn sample_ids(
        &mut self,
        offending: i64,
        template: &'static str,
        bindings: Bindings,
    ) -> Result<Vec<i64>, CheckError> {
        if offending == 0 {
            return Ok(Vec::new());
        }
        let bindings = bindings.int("sample_limit", self.settings.sample.as_sql_limit());
        let rows: Vec<SampleId> = self.snapshot.load(bind(template, &bindings)?).await?;
        Ok(rows.into_iter().map(|r| r.id).collect())
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

/// Why a check could not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Template(#[from] crate::sql::TemplateError),
    /// The database holds a value the check cannot interpret; fail closed.
    #[error("{0}")]
    BadData(String),
}

/// The one entry point of each check.
pub async fn run(id: CheckId, ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    match id {
        CheckId::Coverage => coverage::run(ctx).await,
        CheckId::TypeDistribution => type_distribution::run(ctx).await,
        CheckId::DuplicateTimes => duplicate_times::run(ctx).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn ids_are_kebab_case_and_match_clap() {
        for id in CheckId::ALL {
            let clap_name = id.to_possible_value().map(|v| v.get_name().to_owned());
            assert_eq!(clap_name.as_deref(), Some(id.as_str()));
            assert!(
                id.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
        }
        assert_eq!(CheckId::value_variants().len(), CheckId::ALL.len());
    }
}
