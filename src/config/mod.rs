//! `session-audit.toml` and the waivers file: the raw TOML model and its validation.
//!
//! Raw types mirror the file (`deny_unknown_fields`: a typo is an error, never a silently
//! ignored setting); [`RawConfig::apply`] validates them once onto [`AuditSettings`]. Every
//! error names the file, the key and the way out. The file `init` writes is in `template`.

mod parse;
mod template;
mod values;

use values::{fix_value, set_list, validate_vocabulary};

pub(crate) use parse::parse;
pub use template::{config_text, default_config_text};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::settings::{AuditSettings, Severity, Waiver};
use crate::vocab::CheckId;

/// The file looked for in the working directory when `--config` is not given.
pub const DEFAULT_FILE: &str = "session-audit.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}; check the path given to {flag}")]
    Read {
        path: PathBuf,
        flag: &'static str,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    sample: Option<RawSample>,
    tables: Option<RawTables>,
    sessions: Option<RawSessions>,
    statuses: Option<RawStatuses>,
    service_types: Option<RawServiceTypes>,
    #[serde(default)]
    checks: BTreeMap<String, RawCheck>,
    waivers: Option<RawWaivers>,
    fix: Option<RawFix>,
    bookings: Option<RawBookings>,
    columns: Option<RawColumns>,
}

/// `[columns.<role>]`: the name the audit uses = the database's name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumns {
    #[serde(default)]
    bookings: BTreeMap<String, String>,
    #[serde(default)]
    sessions: BTreeMap<String, String>,
    #[serde(default)]
    services: BTreeMap<String, String>,
    #[serde(default)]
    service_types: BTreeMap<String, String>,
    #[serde(default)]
    migrations: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBookings {
    soft_delete_column: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFix {
    #[serde(default)]
    session_defaults: BTreeMap<String, toml::Value>,
    include_unknown_status: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawSample {
    Count(u32),
    Word(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTables {
    bookings: Option<String>,
    sessions: Option<String>,
    services: Option<String>,
    service_types: Option<String>,
    migrations: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSessions {
    types: Option<Vec<String>>,
    visibilities: Option<Vec<String>>,
    expected_pairs: Option<Vec<(String, String)>>,
    individual: Option<(String, String)>,
    exclusive_time_types: Option<Vec<String>>,
    status_column: Option<String>,
    statuses: Option<Vec<String>>,
    canceled_statuses: Option<Vec<String>>,
    draft_statuses: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatuses {
    known: Option<Vec<String>>,
    not_scheduled: Option<Vec<String>>,
    canceled: Option<Vec<String>>,
    finished: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServiceTypes {
    mapping: Option<BTreeMap<String, String>>,
    default: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    enabled: Option<bool>,
    severity: Option<Severity>,
    max_offending: Option<u64>,
    tolerance_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaivers {
    file: Option<PathBuf>,
    #[serde(default)]
    entry: Vec<RawWaiver>,
}

/// A waivers file: `[[entry]]` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiversFile {
    #[serde(default)]
    entry: Vec<RawWaiver>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    check: String,
    ids: Vec<i64>,
    reason: String,
    expires: String,
}

fn read(path: &Path, flag: &'static str) -> Result<String, ConfigError> {
    crate::stdio::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        flag,
        source,
    })
}

/// The config to use: `--config PATH` (must exist), else `session-audit.toml` in the working
/// directory if there is one, else none.
pub fn load(explicit: Option<&Path>) -> Result<Option<(PathBuf, RawConfig)>, ConfigError> {
    let path = match explicit {
        Some(path) => path.to_owned(),
        None => {
            let default = PathBuf::from(DEFAULT_FILE);
            if !default.exists() {
                return Ok(None);
            }
            default
        }
    };
    let text = read(&path, "--config")?;
    Ok(Some((path.clone(), parse(&path, &text)?)))
}

/// Reads a waivers file (`--waivers PATH` or `waivers.file`).
pub fn load_waivers(path: &Path, today_flag: &'static str) -> Result<Vec<Waiver>, ConfigError> {
    let text = read(path, today_flag)?;
    parse_waivers(path, &text)
}

/// The waivers in a waivers file's text (`path` names it in errors).
pub(crate) fn parse_waivers(path: &Path, text: &str) -> Result<Vec<Waiver>, ConfigError> {
    let raw: RawWaiversFile = parse(path, text)?;
    raw.entry.into_iter().map(|w| w.resolve(path)).collect()
}

impl RawWaiver {
    fn resolve(self, path: &Path) -> Result<Waiver, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        };
        let check = parse_check_id(&self.check).map_err(|m| invalid(format!("waiver: {m}")))?;
        if self.ids.is_empty() {
            return Err(invalid(format!(
                "a waiver for {check} lists no ids; list the ids it excuses"
            )));
        }
        if self.reason.trim().is_empty() {
            return Err(invalid(format!(
                "a waiver for {check} has no reason; say why these rows are accepted"
            )));
        }
        let expires = NaiveDate::parse_from_str(&self.expires, "%Y-%m-%d").map_err(|_| {
            invalid(format!(
                "a waiver for {check} expires on `{}`, which is not a date like 2026-12-31",
                parse::as_quoted(&self.expires)
            ))
        })?;
        Ok(Waiver {
            check,
            ids: self.ids,
            reason: self.reason,
            expires,
        })
    }
}

pub fn parse_check_id(text: &str) -> Result<CheckId, String> {
    CheckId::parse(text).ok_or_else(|| {
        let known: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        format!(
            "unknown check id `{}`; known ids: {}",
            parse::as_quoted(text),
            known.join(", ")
        )
    })
}

impl RawConfig {
    /// Validates this config onto `settings`. `path` is the config file, for messages and to
    /// find a relative `waivers.file`.
    pub fn apply(self, path: &Path, settings: &mut AuditSettings) -> Result<(), ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        };
        match self.sample {
            None => {}
            Some(RawSample::Count(n)) => settings.sample = crate::settings::SampleLimit::First(n),
            Some(RawSample::Word(w)) if w == "all" => {
                settings.sample = crate::settings::SampleLimit::All
            }
            Some(RawSample::Word(w)) => {
                return Err(invalid(format!(
                    "sample = \"{w}\": use a whole number or \"all\""
                )));
            }
        }
        if let Some(t) = self.tables {
            let tables = &mut settings.tables;
            for (key, value, slot) in [
                ("bookings", t.bookings, &mut tables.bookings),
                ("sessions", t.sessions, &mut tables.sessions),
                ("services", t.services, &mut tables.services),
                ("service_types", t.service_types, &mut tables.service_types),
                ("migrations", t.migrations, &mut tables.migrations),
            ] {
                if let Some(value) = value {
                    crate::settings::check_table_name(&value)
                        .map_err(|problem| invalid(format!("tables.{key} {problem}")))?;
                    *slot = value;
                }
            }
        }
        let v = &mut settings.vocabulary;
        if let Some(s) = self.sessions {
            set_list(&mut v.session_types, s.types, "sessions.types").map_err(invalid)?;
            set_list(&mut v.visibilities, s.visibilities, "sessions.visibilities")
                .map_err(invalid)?;
            set_list(
                &mut v.exclusive_time_types,
                s.exclusive_time_types,
                "sessions.exclusive_time_types",
            )
            .map_err(invalid)?;
            set_list(&mut v.session_statuses, s.statuses, "sessions.statuses").map_err(invalid)?;
            set_list(
                &mut v.canceled_session_statuses,
                s.canceled_statuses,
                "sessions.canceled_statuses",
            )
            .map_err(invalid)?;
            set_list(
                &mut v.draft_session_statuses,
                s.draft_statuses,
                "sessions.draft_statuses",
            )
            .map_err(invalid)?;
            if let Some(column) = s.status_column {
                crate::settings::check_table_name(&column)
                    .map_err(|problem| invalid(format!("sessions.status_column {problem}")))?;
                v.session_status_column = column;
            }
            if let Some(pairs) = s.expected_pairs {
                v.expected_pairs = pairs;
            }
            if let Some(individual) = s.individual {
                v.individual = individual;
            }
        }
        if let Some(s) = self.statuses {
            set_list(&mut v.statuses, s.known, "statuses.known").map_err(invalid)?;
            set_list(
                &mut v.not_scheduled,
                s.not_scheduled,
                "statuses.not_scheduled",
            )
            .map_err(invalid)?;
            set_list(&mut v.canceled, s.canceled, "statuses.canceled").map_err(invalid)?;
            set_list(&mut v.finished, s.finished, "statuses.finished").map_err(invalid)?;
        }
        if let Some(t) = self.service_types {
            if let Some(mapping) = t.mapping {
                if mapping.is_empty() {
                    return Err(invalid("service_types.mapping is empty; map at least one code, e.g. workshop = \"workshop\"".into()));
                }
                v.type_mapping = mapping.into_iter().collect();
            }
            if let Some(default) = t.default {
                v.default_session_type = default;
            }
        }
        validate_vocabulary(v).map_err(invalid)?;

        for (key, raw) in self.checks {
            let id = parse_check_id(&key)
                .map_err(|m| invalid(format!("[checks.{}]: {m}", parse::as_quoted(&key))))?;
            let mut check = settings.check(id);
            if raw.tolerance_seconds.is_some() && id != CheckId::LegacyTimeDrift {
                return Err(invalid(format!(
                    "[checks.{key}] tolerance_seconds applies only to legacy-time-drift; remove it"
                )));
            }
            check.enabled = raw.enabled.unwrap_or(check.enabled);
            check.severity = raw.severity.unwrap_or(check.severity);
            check.max_offending = raw.max_offending.unwrap_or(check.max_offending);
            check.tolerance_seconds = raw.tolerance_seconds.unwrap_or(check.tolerance_seconds);
            settings.checks.insert(id, check);
        }

        if let Some(column) = self.bookings.and_then(|b| b.soft_delete_column) {
            crate::settings::check_table_name(&column)
                .map_err(|problem| invalid(format!("bookings.soft_delete_column {problem}")))?;
            settings.soft_delete_column = Some(column);
        }
        if let Some(columns) = self.columns {
            use crate::vocab::TableRole;
            for (role, key, map) in [
                (TableRole::Bookings, "bookings", columns.bookings),
                (TableRole::Sessions, "sessions", columns.sessions),
                (TableRole::Services, "services", columns.services),
                (
                    TableRole::ServiceTypes,
                    "service_types",
                    columns.service_types,
                ),
                (TableRole::Migrations, "migrations", columns.migrations),
            ] {
                for (canonical, real) in map {
                    crate::settings::check_table_name(&real).map_err(|problem| {
                        invalid(format!("columns.{key}.{canonical} {problem}"))
                    })?;
                    settings.columns.push((role, canonical, real));
                }
            }
        }
        if let Some(fix) = self.fix {
            for (column, value) in fix.session_defaults {
                let value = fix_value(&value).ok_or_else(|| {
                    invalid(format!(
                        "fix.session_defaults.{column} is {}; give a string, number or boolean",
                        value.type_str()
                    ))
                })?;
                settings.fix.session_defaults.insert(column, value);
            }
            if let Some(include) = fix.include_unknown_status {
                settings.fix.include_unknown_status = include;
            }
        }

        if let Some(w) = self.waivers {
            let mut waivers = Vec::new();
            if let Some(file) = w.file {
                let file = match path.parent() {
                    Some(dir) if file.is_relative() => dir.join(file),
                    _ => file,
                };
                waivers.extend(load_waivers(&file, "waivers.file")?);
            }
            for entry in w.entry {
                waivers.push(entry.resolve(path)?);
            }
            settings.waivers = waivers;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
