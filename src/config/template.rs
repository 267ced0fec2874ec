//! The commented configuration `session-audit init` writes: every setting at its default, so
//! the file documents itself and parses back to exactly the defaults (a test holds it to that).

use super::DEFAULT_FILE;
use crate::settings::AuditSettings;
use crate::vocab::CheckId;

fn toml_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| toml_str(v)).collect();
    format!("[{}]", quoted.join(", "))
}

/// `value` as a TOML basic string: quotes, backslashes and control characters escaped, so a
/// name read from a database cannot break the file.
pub fn toml_str(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The commented configuration `session-audit init` writes: every setting at its default.
pub fn default_config_text() -> String {
    config_text(&AuditSettings::default())
}

/// The same file with `s`'s table names and session lifecycle column (what `init
/// --database-url` found); every other setting at its default.
pub fn config_text(s: &AuditSettings) -> String {
    let v = &s.vocabulary;
    let pairs: Vec<String> = v
        .expected_pairs
        .iter()
        .map(|(t, vis)| format!("[\"{t}\", \"{vis}\"]"))
        .collect();
    let mapping: Vec<String> = v
        .type_mapping
        .iter()
        .map(|(code, t)| format!("{code} = \"{t}\""))
        .collect();
    let mut text = format!(
        r#"# session-audit configuration, found as ./{DEFAULT_FILE} or given with --config PATH.
# Every key is optional: a missing key keeps the default written here. Unknown keys are an
# error, so a typo never silently changes what is checked. Flags given on the command line
# win over this file.

# How many offending ids each check lists (a number or "all"); metrics always count all.
sample = 20

[tables]
bookings = {}
sessions = {}            # one real deployment calls it "service_sessions"
services = {}
service_types = {}
migrations = {}

[sessions]
# Values of session_type and visibility; anything else (NULL, "" and `Workshop` included) is unknown.
types = {}
visibilities = {}
# The (session_type, visibility) pairs the migration produces; other known pairs only warn.
expected_pairs = [{}]
# The pair migration services.0019 creates for 1-to-1 bookings, and its rollback deletes.
individual = ["{}", "{}"]
# Session types that must never share (service_id, start_time).
exclusive_time_types = {}
# The sessions' own lifecycle, used when the table has this column (the real platform's
# service_sessions does): canceled sessions take no part in duplicate-times and capacity;
# draft sessions without times are "not yet scheduled" and reported apart, never a failure.
status_column = {}
statuses = {}
canceled_statuses = {}
draft_statuses = {}

[bookings]
# Soft-deleted bookings are counted apart and never audited as live. Found without this when the
# table has is_deleted (deleted when true) or deleted_at (deleted when set).
# soft_delete_column = "is_deleted"

# Columns the database names differently (Django's db_column): the name session-audit uses =
# the database's. Checked against the schema: a name that is not there is an error that names
# the look-alike. (fix-sql does not map them yet.)
# [columns.bookings]
# service_session_id = "session_ref"
# [columns.sessions]
# start_time = "starts_at"

[statuses]
# Values of bookings_booking.status the application knows; others are reported and, when a
# gate asks "is it scheduled?", count as scheduled (fail closed).
known = {}
not_scheduled = {}   # bookings that do not need a schedule
canceled = {}        # bookings that do not take a seat
finished = {}        # bookings that are over: no reminder is due

[service_types]
# services_servicetype.code -> the session_type its sessions must have.
mapping = {{ {} }}
default = "{}"       # every other code

# Per check: enabled, severity ("error" fails the audit, "warning" warns, "info" only reports)
# and max_offending (offending rows tolerated: within it, a failure is a warning).
# `--only` and `--skip` on the command line replace `enabled`.
"#,
        toml_str(&s.tables.bookings),
        toml_str(&s.tables.sessions),
        toml_str(&s.tables.services),
        toml_str(&s.tables.service_types),
        toml_str(&s.tables.migrations),
        toml_list(&v.session_types),
        toml_list(&v.visibilities),
        pairs.join(", "),
        v.individual.0,
        v.individual.1,
        toml_list(&v.exclusive_time_types),
        toml_str(&v.session_status_column),
        toml_list(&v.session_statuses),
        toml_list(&v.canceled_session_statuses),
        toml_list(&v.draft_session_statuses),
        toml_list(&v.statuses),
        toml_list(&v.not_scheduled),
        toml_list(&v.canceled),
        toml_list(&v.finished),
        mapping.join(", "),
        v.default_session_type,
    );
    for id in CheckId::ALL {
        let c = id.default_settings();
        text.push_str(&format!(
            "\n[checks.{}]   # {}\nenabled = {}\nseverity = \"{}\"\nmax_offending = {}\n",
            id.as_str(),
            id.spec().title,
            c.enabled,
            c.severity.as_str(),
            c.max_offending
        ));
        if *id == CheckId::LegacyTimeDrift {
            text.push_str(&format!(
                "tolerance_seconds = {}   # differences up to this are not drift\n",
                c.tolerance_seconds
            ));
        }
    }
    text.push_str(
        r#"
# fix-sql: values for the sessions it creates. Django keeps most model defaults in Python, so a
# NOT NULL column without a database default (a lifecycle `status`, `sequence_number`…) must be
# given here, or fix-sql stops and names it; it never guesses. For the real platform:
[fix]
include_unknown_status = false   # repair bookings whose status is not in statuses.known too
# [fix.session_defaults]
# status = "scheduled"
# sequence_number = 0
# reschedule_count = 0

# Known exceptions: listed rows do not fail their check until the waiver expires (then the
# check fails and says so); a waiver that matches nothing is reported as stale.
[waivers]
# file = "session-audit-waivers.toml"   # [[entry]] tables, as below; relative to this file
# [[waivers.entry]]
# check = "coverage"
# ids = [3825, 3826]
# reason = "imported from the legacy system; TICKET-123"
# expires = "2026-12-31"
"#,
    );
    text
}
