//! The checks: each is data (a [`CheckSpec`]) plus one entry point, in its own file.
//!
//! [`CheckId`] is the one name of a check everywhere: `--only`, the config file, every output
//! format and `docs/checks/<id>.md`. Checks never print; they return a [`CheckResult`] that
//! the [`runner`] gathers into the report, after applying waivers' expiry, thresholds and
//! severity, which are the same for every check.

mod booking_join;
mod capacity;
mod context;
mod coverage;
mod dangling_session;
mod duplicate_times;
mod legacy_time_drift;
mod make_required_readiness;
mod migration_state;
mod orphan_sessions;
mod profile;
mod reminder_readiness;
mod rollback_safety;
pub mod runner;
mod service_mismatch;
mod session_load;
mod session_time_range;
mod status_vocabulary;
mod type_distribution;
mod type_matches_service;

pub use context::{CheckContext, CheckError, Offenders, Shared, audit_bindings, empty_table};

use crate::report::{CheckResult, IdKind};
use crate::settings::{CheckSettings, Severity, TableRole};

/// The stable, kebab-case id of a check. Once released, ids are only ever added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum CheckId {
    MigrationState,
    Coverage,
    MakeRequiredReadiness,
    StatusVocabulary,
    TypeDistribution,
    DuplicateTimes,
    DanglingSession,
    ServiceMismatch,
    LegacyTimeDrift,
    SessionTimeRange,
    Capacity,
    TypeMatchesService,
    ReminderReadiness,
    RollbackSafety,
    OrphanSessions,
}

impl CheckId {
    /// Every check, in the order they run and are reported.
    pub const ALL: [CheckId; 15] = [
        CheckId::MigrationState,
        CheckId::Coverage,
        CheckId::MakeRequiredReadiness,
        CheckId::StatusVocabulary,
        CheckId::TypeDistribution,
        CheckId::DuplicateTimes,
        CheckId::DanglingSession,
        CheckId::ServiceMismatch,
        CheckId::LegacyTimeDrift,
        CheckId::SessionTimeRange,
        CheckId::Capacity,
        CheckId::TypeMatchesService,
        CheckId::ReminderReadiness,
        CheckId::RollbackSafety,
        CheckId::OrphanSessions,
    ];

    pub fn as_str(self) -> &'static str {
        self.spec().id
    }

    pub fn spec(self) -> &'static CheckSpec {
        match self {
            CheckId::MigrationState => &migration_state::SPEC,
            CheckId::Coverage => &coverage::SPEC,
            CheckId::MakeRequiredReadiness => &make_required_readiness::SPEC,
            CheckId::StatusVocabulary => &status_vocabulary::SPEC,
            CheckId::TypeDistribution => &type_distribution::SPEC,
            CheckId::DuplicateTimes => &duplicate_times::SPEC,
            CheckId::DanglingSession => &dangling_session::SPEC,
            CheckId::ServiceMismatch => &service_mismatch::SPEC,
            CheckId::LegacyTimeDrift => &legacy_time_drift::SPEC,
            CheckId::SessionTimeRange => &session_time_range::SPEC,
            CheckId::Capacity => &capacity::SPEC,
            CheckId::TypeMatchesService => &type_matches_service::SPEC,
            CheckId::ReminderReadiness => &reminder_readiness::SPEC,
            CheckId::RollbackSafety => &rollback_safety::SPEC,
            CheckId::OrphanSessions => &orphan_sessions::SPEC,
        }
    }

    pub fn sample_kind(self) -> IdKind {
        self.spec().sample_kind
    }

    /// Where this check's documentation lives, relative to the repository root.
    pub fn doc_path(self) -> String {
        format!("docs/checks/{}.md", self.as_str())
    }

    /// The documentation page, built into the binary for `explain-check`.
    pub fn doc(self) -> &'static str {
        self.spec().doc
    }

    pub fn default_settings(self) -> CheckSettings {
        CheckSettings {
            enabled: true,
            severity: self.spec().severity,
            max_offending: 0,
            tolerance_seconds: 0,
        }
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a check is, as data.
pub struct CheckSpec {
    pub id: &'static str,
    pub title: &'static str,
    /// How much its findings weigh unless the config says otherwise.
    pub severity: Severity,
    /// Tables and columns the check cannot run without: missing, it is an error.
    pub needs: &'static [(TableRole, &'static [&'static str])],
    /// Tables and columns whose absence makes the check meaningless: missing, it is skipped
    /// with the reason (a dropped legacy column, a schema without `django_migrations`).
    pub skip_without: &'static [(TableRole, &'static [&'static str])],
    /// The query templates it may run (`queries/NAME*.sql`), shared passes included: what
    /// `session-audit sql` prints and `explain` asks the planner about. A test keeps this
    /// list equal to the `sql!` calls in the check's code.
    pub queries: &'static [&'static str],
    /// What `sample_ids` are ids of.
    pub sample_kind: IdKind,
    pub doc: &'static str,
}

/// The one entry point of each check.
pub async fn run(id: CheckId, ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    match id {
        CheckId::MigrationState => migration_state::run(ctx).await,
        CheckId::Coverage => coverage::run(ctx).await,
        CheckId::MakeRequiredReadiness => make_required_readiness::run(ctx).await,
        CheckId::StatusVocabulary => status_vocabulary::run(ctx).await,
        CheckId::TypeDistribution => type_distribution::run(ctx).await,
        CheckId::DuplicateTimes => duplicate_times::run(ctx).await,
        CheckId::DanglingSession => dangling_session::run(ctx).await,
        CheckId::ServiceMismatch => service_mismatch::run(ctx).await,
        CheckId::LegacyTimeDrift => legacy_time_drift::run(ctx).await,
        CheckId::SessionTimeRange => session_time_range::run(ctx).await,
        CheckId::Capacity => capacity::run(ctx).await,
        CheckId::TypeMatchesService => type_matches_service::run(ctx).await,
        CheckId::ReminderReadiness => reminder_readiness::run(ctx).await,
        CheckId::RollbackSafety => rollback_safety::run(ctx).await,
        CheckId::OrphanSessions => orphan_sessions::run(ctx).await,
    }
}

/// The template for this backend. `sql!("name")`: `queries/name.sql` serves every backend.
/// `sql!(ctx, "name", mysql)`: `name.sql` for PostgreSQL and SQLite, `name.mysql.sql` for
/// MySQL (binary comparisons, its date functions). `sql!(ctx, "name")`: one file per backend.
macro_rules! sql {
    ($name:literal) => {
        include_str!(concat!("../../queries/", $name, ".sql"))
    };
    ($ctx:expr, $name:literal, mysql) => {
        match $ctx.snapshot.backend() {
            crate::db::BackendKind::Mysql => {
                include_str!(concat!("../../queries/", $name, ".mysql.sql"))
            }
            _ => include_str!(concat!("../../queries/", $name, ".sql")),
        }
    };
    ($ctx:expr, $name:literal) => {
        match $ctx.snapshot.backend() {
            crate::db::BackendKind::Postgres => {
                include_str!(concat!("../../queries/", $name, ".postgres.sql"))
            }
            crate::db::BackendKind::Sqlite => {
                include_str!(concat!("../../queries/", $name, ".sqlite.sql"))
            }
            crate::db::BackendKind::Mysql => {
                include_str!(concat!("../../queries/", $name, ".mysql.sql"))
            }
        }
    };
}
pub(crate) use sql;

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

    #[test]
    fn every_check_has_its_doc_page() {
        for id in CheckId::ALL {
            assert!(
                id.doc().starts_with(&format!("# `{}`", id.as_str())),
                "{id}"
            );
        }
    }
}
