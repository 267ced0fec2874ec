//! The resolved settings the checks read: table names, vocabularies, sample size.
//!
//! Built once from the command line (and, later, a config file) by `plan`; the checks never
//! see raw flags.

/// Which configured table a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableRole {
    Bookings,
    Sessions,
}

impl TableRole {
    /// The flag that sets this table's name, for messages.
    pub fn flag(self) -> &'static str {
        match self {
            TableRole::Bookings => "--bookings-table",
            TableRole::Sessions => "--sessions-table",
        }
    }
}

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

#[derive(Debug, Clone)]
pub struct AuditSettings {
    pub bookings_table: String,
    pub sessions_table: String,
    pub sample: SampleLimit,
    /// Known values of `session_type`; anything else is `unknown`.
    pub session_types: Vec<String>,
    /// Known values of `visibility`; anything else is `unknown`.
    pub visibilities: Vec<String>,
    /// The (session_type, visibility) pairs the migration produces.
    pub expected_pairs: Vec<(String, String)>,
    /// Booking statuses that do not count as scheduled (the rest, and NULL, do).
    pub non_scheduled_statuses: Vec<String>,
    /// Session types that must not share (service_id, start_time).
    pub exclusive_time_types: Vec<String>,
}

impl AuditSettings {
    pub fn table(&self, role: TableRole) -> &str {
        match role {
            TableRole::Bookings => &self.bookings_table,
            TableRole::Sessions => &self.sessions_table,
        }
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

impl Default for AuditSettings {
    /// The migration guide's names and vocabularies.
    fn default() -> Self {
        AuditSettings {
            bookings_table: "bookings_booking".into(),
            sessions_table: "services_servicesession".into(),
            sample: SampleLimit::First(20),
            session_types: strings(&["individual", "workshop", "course_session"]),
            visibilities: strings(&["public", "private", "unlisted"]),
            expected_pairs: [
                ("individual", "private"),
                ("workshop", "public"),
                ("course_session", "public"),
            ]
            .iter()
            .map(|(t, v)| ((*t).to_owned(), (*v).to_owned()))
            .collect(),
            non_scheduled_statuses: strings(&["draft", "canceled"]),
            exclusive_time_types: strings(&["workshop", "course_session"]),
        }
    }
}
