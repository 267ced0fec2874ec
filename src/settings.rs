//! The resolved settings the checks read: tables, vocabularies, per-check settings, waivers.
//!
//! Built once by `plan` from the defaults, the config file and the command line (in that order
//! of precedence, lowest first); the checks never see raw flags or TOML.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::vocab::CheckId;
pub use crate::vocab::{Severity, TableRole};

/// How many offending ids a check lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleLimit {
    First(u32),
    All,
}

impl SampleLimit {
    /// The value bound to `LIMIT`: "all" is the largest limit every backend accepts.
    pub fn as_sql_limit(self) -> i64 {
        match self {
            SampleLimit::First(n) => i64::from(n),
            SampleLimit::All => i64::MAX,
        }
    }

    pub fn take(self) -> usize {
        match self {
            SampleLimit::First(n) => n as usize,
            SampleLimit::All => usize::MAX,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckSettings {
    pub enabled: bool,
    pub severity: Severity,
    /// Offending rows tolerated: a failure within this many is a warning.
    pub max_offending: u64,
    /// legacy-time-drift: differences up to this many seconds are not drift.
    pub tolerance_seconds: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tables {
    pub bookings: String,
    pub sessions: String,
    pub services: String,
    pub service_types: String,
    pub migrations: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    /// Known values of `session_type`; anything else is `unknown`.
    pub session_types: Vec<String>,
    /// Known values of `visibility`; anything else is `unknown`.
    pub visibilities: Vec<String>,
    /// The (session_type, visibility) pairs the migration produces.
    pub expected_pairs: Vec<(String, String)>,
    /// The pair migration 0019 creates for 1-to-1 bookings and its rollback deletes.
    pub individual: (String, String),
    /// Session types that must not share (service_id, start_time).
    pub exclusive_time_types: Vec<String>,
    /// The session table's lifecycle column (the real platform's `status`), used when the table
    /// has it: canceled sessions take no part in duplicate-times and capacity, and draft
    /// sessions without times are "not yet scheduled", reported apart.
    pub session_status_column: String,
    /// The lifecycle's values; `init` marks the others it finds.
    pub session_statuses: Vec<String>,
    pub canceled_session_statuses: Vec<String>,
    pub draft_session_statuses: Vec<String>,
    /// Booking statuses the application knows.
    pub statuses: Vec<String>,
    /// Statuses that do not count as scheduled (all others, unknown and NULL included, do).
    pub not_scheduled: Vec<String>,
    /// Statuses whose bookings do not take a seat.
    pub canceled: Vec<String>,
    /// Statuses of bookings that are over (no reminder is due).
    pub finished: Vec<String>,
    /// Service-type code -> the session_type its sessions must have.
    pub type_mapping: Vec<(String, String)>,
    /// The session_type for every other service-type code.
    pub default_session_type: String,
}

impl Vocabulary {
    /// A booking that is still to happen: its status is neither not-scheduled nor finished.
    /// NULL and unknown statuses count as active (an unknown state must not pass).
    pub fn is_active(&self, status: Option<&str>) -> bool {
        status.is_none_or(|s| {
            !self.not_scheduled.iter().any(|n| n == s) && !self.finished.iter().any(|f| f == s)
        })
    }
}

/// A known exception: these rows of this check do not fail it, until `expires`.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    pub check: CheckId,
    pub ids: Vec<i64>,
    pub reason: String,
    /// The last day the waiver holds (UTC).
    pub expires: NaiveDate,
}

/// A value an operator gives a column of the sessions `fix-sql` creates (`[fix.session_defaults]`).
#[derive(Debug, Clone, PartialEq)]
pub enum FixValue {
    Text(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
}

/// What `fix-sql` may do beyond the audit's own settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FixSettings {
    /// column -> value for the sessions it creates: the NOT NULL columns whose default Django
    /// keeps in Python (`status`, `sequence_number`…), or any other column the operator wants set.
    pub session_defaults: BTreeMap<String, FixValue>,
    /// Also repair bookings whose status is not in `statuses.known` (off: they are listed and
    /// left alone, since `cancelled` is usually a typo of a status that takes no session).
    pub include_unknown_status: bool,
}

#[derive(Debug, Clone)]
pub struct AuditSettings {
    pub tables: Tables,
    pub vocabulary: Vocabulary,
    pub fix: FixSettings,
    /// The bookings' soft-delete column (`is_deleted` or `deleted_at` are found without it):
    /// soft-deleted bookings are counted apart, never audited as live.
    pub soft_delete_column: Option<String>,
    /// Columns the database names differently: (table role, the name the audit uses, the
    /// database's name), from `[columns.<role>]`.
    pub columns: Vec<(TableRole, String, String)>,
    pub sample: SampleLimit,
    pub checks: BTreeMap<CheckId, CheckSettings>,
    pub waivers: Vec<Waiver>,
    /// The day waivers are judged against (UTC).
    pub today: NaiveDate,
}

impl AuditSettings {
    pub fn table(&self, role: TableRole) -> &str {
        match role {
            TableRole::Bookings => &self.tables.bookings,
            TableRole::Sessions => &self.tables.sessions,
            TableRole::Services => &self.tables.services,
            TableRole::ServiceTypes => &self.tables.service_types,
            TableRole::Migrations => &self.tables.migrations,
        }
    }

    /// `[columns.*]` with the tables' configured names: what the schema read applies.
    pub fn renames(&self) -> Vec<crate::vocab::Rename> {
        self.columns
            .iter()
            .map(|(role, canonical, real)| crate::vocab::Rename {
                table: self.table(*role).to_owned(),
                canonical: canonical.clone(),
                real: real.clone(),
            })
            .collect()
    }

    pub fn check(&self, id: CheckId) -> CheckSettings {
        self.checks
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.default_settings())
    }

    /// The enabled checks, in their fixed order.
    pub fn enabled_checks(&self) -> Vec<CheckId> {
        CheckId::ALL
            .iter()
            .copied()
            .filter(|id| self.check(*id).enabled)
            .collect()
    }

    pub fn waivers_for(&self, id: CheckId) -> impl Iterator<Item = &Waiver> {
        self.waivers.iter().filter(move |w| w.check == id)
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

fn pairs(values: &[(&str, &str)]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            bookings: "bookings_booking".into(),
            sessions: "services_servicesession".into(),
            services: "services_service".into(),
            service_types: "services_servicetype".into(),
            migrations: "django_migrations".into(),
        }
    }
}

impl Default for Vocabulary {
    /// The migration guide's vocabularies and the application's booking statuses.
    fn default() -> Self {
        Vocabulary {
            session_types: strings(&["individual", "workshop", "course_session"]),
            visibilities: strings(&["public", "private", "unlisted"]),
            expected_pairs: pairs(&[
                ("individual", "private"),
                ("workshop", "public"),
                ("course_session", "public"),
            ]),
            individual: ("individual".into(), "private".into()),
            exclusive_time_types: strings(&["workshop", "course_session"]),
            session_status_column: "status".into(),
            session_statuses: strings(&[
                "draft",
                "scheduled",
                "in_progress",
                "completed",
                "canceled",
            ]),
            canceled_session_statuses: strings(&["canceled"]),
            draft_session_statuses: strings(&["draft"]),
            statuses: strings(&[
                "draft",
                "pending_payment",
                "confirmed",
                "in_progress",
                "completed",
                "canceled",
                "no_show",
            ]),
            not_scheduled: strings(&["draft", "canceled"]),
            canceled: strings(&["canceled"]),
            finished: strings(&["completed", "no_show"]),
            type_mapping: pairs(&[("course", "course_session"), ("workshop", "workshop")]),
            default_session_type: "individual".into(),
        }
    }
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            tables: Tables::default(),
            vocabulary: Vocabulary::default(),
            fix: FixSettings::default(),
            soft_delete_column: None,
            columns: Vec::new(),
            sample: SampleLimit::First(20),
            checks: CheckId::ALL
                .iter()
                .map(|id| (*id, id.default_settings()))
                .collect(),
            waivers: Vec::new(),
            today: chrono::Utc::now().date_naive(),
        }
    }
}

/// Is this usable as a table name? Any text is quoted as an identifier, never spliced into
/// SQL, so quotes, semicolons and keywords are harmless (and usually name no table). Refused:
/// an empty name; control characters and NUL (PostgreSQL cannot take NUL in a query, and no
/// real table has them); and names over 63 bytes, which PostgreSQL would silently cut to 63
/// and so could match another table. The error completes "<setting> ...".
pub fn check_table_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("is empty; give the table's name".into());
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "{name:?} contains a control character; give the table's name as it is in the database"
        ));
    }
    if name.len() > 63 {
        return Err(format!(
            "is {} bytes long; table names are at most 63 bytes (PostgreSQL would cut it and could read another table)",
            name.len()
        ));
    }
    Ok(())
}
