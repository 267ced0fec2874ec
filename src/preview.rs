//! The queries an audit would run, bound to the configured tables, without running them:
//! `session-audit sql` prints them, `session-audit explain` asks the planner about them.

use crate::checks::{CheckId, audit_bindings};
use crate::db::{BackendKind, Schema};
use crate::queries::template;
use crate::settings::{AuditSettings, TableRole};
use crate::sql::{BoundQuery, TemplateError, bind};

/// One query of one check.
pub struct PlannedQuery {
    pub check: CheckId,
    /// The file it comes from, e.g. `booking_join.postgres.sql`.
    pub file: &'static str,
    /// Read once per audit and shared by several checks (printed in full only the first time).
    pub shared_with_earlier: bool,
    pub query: BoundQuery,
}

/// Every query of `checks` for `backend`, in check order. `schema` decides the columns a
/// cleanup migration may have dropped; values only a running audit knows (the ids found) are
/// bound to a placeholder id 0.
pub fn planned_queries(
    settings: &AuditSettings,
    schema: &Schema,
    backend: BackendKind,
    checks: &[CheckId],
) -> Result<Vec<PlannedQuery>, TemplateError> {
    let tolerance = settings.check(CheckId::LegacyTimeDrift).tolerance_seconds as i64;
    let bindings = audit_bindings(settings, schema, backend)
        .int("tolerance_seconds", tolerance)
        .ints("sample_ids", &[0]);
    let mut seen: Vec<&'static str> = Vec::new();
    let mut planned = Vec::new();
    for &check in checks {
        for name in check.spec().queries {
            let Some((file, text)) = template(name, backend) else {
                continue;
            };
            planned.push(PlannedQuery {
                check,
                file,
                shared_with_earlier: seen.contains(&file),
                query: bind(text, &bindings)?,
            });
            seen.push(file);
        }
    }
    Ok(planned)
}

/// The schema the audit expects when there is no database to read it from: every table and
/// column any check reads, the legacy booking times included.
pub fn assumed_schema(settings: &AuditSettings) -> Schema {
    let mut tables: Vec<(String, Vec<&'static str>)> = Vec::new();
    let optional: &[(TableRole, &[&'static str])] = &[
        (TableRole::Bookings, &["start_time", "end_time"]),
        (
            TableRole::Sessions,
            &["duration", "max_participants", "current_participants"],
        ),
    ];
    let every = CheckId::ALL
        .iter()
        .flat_map(|id| id.spec().needs.iter().chain(id.spec().skip_without))
        .chain(optional);
    for (role, columns) in every {
        let table = settings.table(*role).to_owned();
        let at = match tables.iter().position(|(t, _)| *t == table) {
            Some(at) => at,
            None => {
                tables.push((table, Vec::new()));
                tables.len() - 1
            }
        };
        for column in *columns {
            if !tables[at].1.contains(column) {
                tables[at].1.push(column);
            }
        }
    }
    let borrowed: Vec<(&str, &[&str])> = tables
        .iter()
        .map(|(t, c)| (t.as_str(), c.as_slice()))
        .collect();
    Schema::from_tables(&borrowed)
}

/// The SQL exactly as the driver sends it for `backend` (its placeholders: `$1` on
/// PostgreSQL, `?` elsewhere), then its bind values.
pub fn sql_text(query: &BoundQuery, backend: BackendKind) -> Result<String, String> {
    match backend {
        #[cfg(feature = "postgres")]
        BackendKind::Postgres => Ok(diesel::debug_query::<diesel::pg::Pg, _>(query).to_string()),
        #[cfg(feature = "mysql")]
        BackendKind::Mysql => Ok(diesel::debug_query::<diesel::mysql::Mysql, _>(query).to_string()),
        BackendKind::Sqlite => {
            Ok(diesel::debug_query::<diesel::sqlite::Sqlite, _>(query).to_string())
        }
        #[allow(unreachable_patterns)]
        other => Err(format!(
            "this build has no {} support; rebuild with its feature",
            other.as_str()
        )),
    }
}
