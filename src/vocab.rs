//! The words every layer speaks: check ids, statuses, the verdict, severities, what ids are of,
//! and the table roles. The ground floor: it imports nothing of the project, so the settings,
//! the checks, the report and the renderers can all use it without importing each other.
//!
//! The check registry is here too: [`registry!`] lists every check once (variant, id, module).
//! This module derives the [`CheckId`] enum, `ALL` and the id strings from it; `checks` derives
//! each check's module, spec, docs page and dispatch from the same list. Adding a check adds one
//! line to the registry (see CONTRIBUTING.md).

/// Every check, once: `Variant => "kebab-id", module;` in the order they run and are reported.
/// Calls `$then!` with the list, so each layer derives what it needs from the one declaration.
macro_rules! registry {
    ($then:ident) => {
        $then! {
            MigrationState => "migration-state", migration_state;
            Coverage => "coverage", coverage;
            MakeRequiredReadiness => "make-required-readiness", make_required_readiness;
            StatusVocabulary => "status-vocabulary", status_vocabulary;
            TypeDistribution => "type-distribution", type_distribution;
            DuplicateTimes => "duplicate-times", duplicate_times;
            DanglingSession => "dangling-session", dangling_session;
            ServiceMismatch => "service-mismatch", service_mismatch;
            LegacyTimeDrift => "legacy-time-drift", legacy_time_drift;
            SessionTimeRange => "session-time-range", session_time_range;
            Capacity => "capacity", capacity;
            TypeMatchesService => "type-matches-service", type_matches_service;
            ReminderReadiness => "reminder-readiness", reminder_readiness;
            RollbackSafety => "rollback-safety", rollback_safety;
            OrphanSessions => "orphan-sessions", orphan_sessions;
        }
    };
}
pub(crate) use registry;

macro_rules! check_ids {
    ($($variant:ident => $id:literal, $module:ident;)*) => {
        /// The stable, kebab-case id of a check. Once released, ids are only ever added.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum CheckId {
            $($variant,)*
        }

        impl CheckId {
            /// Every check, in the order they run and are reported.
            pub const ALL: &'static [CheckId] = &[$(CheckId::$variant,)*];

            /// The id: the one name of the check in `--only`, the config, every output and
            /// `docs/checks/<id>.md`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(CheckId::$variant => $id,)*
                }
            }
        }
    };
}
registry!(check_ids);

impl CheckId {
    /// The check with this id, exactly as written.
    pub fn parse(text: &str) -> Option<CheckId> {
        CheckId::ALL.iter().copied().find(|id| id.as_str() == text)
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// clap takes the ids from the registry, so `--only` accepts exactly the words the config and
/// the outputs use.
impl clap::ValueEnum for CheckId {
    fn value_variants<'a>() -> &'a [Self] {
        CheckId::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// The outcome of one check. Ordered by gravity, so the worst of several is their `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Skipped,
    Pass,
    Warn,
    Fail,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skipped => "skipped",
        }
    }
}

/// The answer of the whole audit, and the process exit code that carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    Error,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
        }
    }

    /// 0 = every check passed (warnings allowed), 1 = a check failed, 2 = not evaluated.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Error => 2,
        }
    }
}

/// How much a check's findings weigh: the worst status they may give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Findings fail the check (exit 1).
    Error,
    /// Findings only warn (exit 0).
    Warning,
    /// Findings are reported; the check passes.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// Lowers a check's status to what this severity allows. Errors and skips are untouched:
    /// a check that could not run is never turned into a pass.
    pub fn cap(self, status: Status) -> Status {
        match (self, status) {
            (Severity::Warning, Status::Fail) => Status::Warn,
            (Severity::Info, Status::Fail | Status::Warn) => Status::Pass,
            (_, other) => other,
        }
    }
}

/// What the ids in `sample_ids` are ids of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Booking,
    Session,
    /// The check's findings are not rows with ids (migration-state).
    None,
}

impl IdKind {
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            IdKind::Booking => Some("booking"),
            IdKind::Session => Some("session"),
            IdKind::None => None,
        }
    }
}

/// A series of the reports' history chart: a number followed over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    BookingsWithoutSession,
    ScheduledWithoutSession,
    DuplicateGroups,
    /// Unknown session types, visibilities and booking statuses, summed over the checks.
    UnknownValues,
}

impl Trend {
    /// Every series, in the chart's order.
    pub const ALL: [Trend; 4] = [
        Trend::BookingsWithoutSession,
        Trend::ScheduledWithoutSession,
        Trend::DuplicateGroups,
        Trend::UnknownValues,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Trend::BookingsWithoutSession => "bookings without a session",
            Trend::ScheduledWithoutSession => "scheduled without a session",
            Trend::DuplicateGroups => "duplicate time groups",
            Trend::UnknownValues => "unknown values",
        }
    }
}

/// A column the config names differently (`[columns.bookings] service_session_id = "session_ref"`):
/// the table, the name the audit uses, the name the database has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    pub table: String,
    pub canonical: String,
    pub real: String,
}

/// Which configured table a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TableRole {
    Bookings,
    Sessions,
    Services,
    ServiceTypes,
    Migrations,
}

impl TableRole {
    pub const ALL: [TableRole; 5] = [
        TableRole::Bookings,
        TableRole::Sessions,
        TableRole::Services,
        TableRole::ServiceTypes,
        TableRole::Migrations,
    ];

    /// The role's key in the config (`[tables]`, `[columns.<key>]`).
    pub fn key(self) -> &'static str {
        match self {
            TableRole::Bookings => "bookings",
            TableRole::Sessions => "sessions",
            TableRole::Services => "services",
            TableRole::ServiceTypes => "service_types",
            TableRole::Migrations => "migrations",
        }
    }

    /// Where this table's name is set, for messages.
    pub fn setting(self) -> &'static str {
        match self {
            TableRole::Bookings => "--bookings-table (or tables.bookings in the config)",
            TableRole::Sessions => "--sessions-table (or tables.sessions in the config)",
            TableRole::Services => "tables.services in the config",
            TableRole::ServiceTypes => "tables.service_types in the config",
            TableRole::Migrations => "tables.migrations in the config",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn ids_are_kebab_case_unique_and_match_clap() {
        for id in CheckId::ALL {
            let clap_name = id.to_possible_value().map(|v| v.get_name().to_owned());
            assert_eq!(clap_name.as_deref(), Some(id.as_str()));
            assert!(
                id.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
            assert_eq!(CheckId::parse(id.as_str()), Some(*id));
        }
        let mut ids: Vec<&str> = CheckId::ALL.iter().map(|id| id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CheckId::ALL.len());
    }

    #[test]
    fn severity_caps_findings_but_never_hides_errors() {
        assert_eq!(Severity::Error.cap(Status::Fail), Status::Fail);
        assert_eq!(Severity::Warning.cap(Status::Fail), Status::Warn);
        assert_eq!(Severity::Info.cap(Status::Fail), Status::Pass);
        assert_eq!(Severity::Info.cap(Status::Warn), Status::Pass);
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            assert_eq!(severity.cap(Status::Error), Status::Error);
            assert_eq!(severity.cap(Status::Skipped), Status::Skipped);
        }
    }
}
