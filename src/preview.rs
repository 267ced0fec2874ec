//! The queries an audit would run, bound to the configured tables, without running them:
//! `session-audit sql` prints them, `session-audit explain` asks the planner about them.

use crate::checks::audit_bindings;
use crate::checks::runner::columns_read_from;
use crate::checks::with_join_range;
use crate::db::{BackendKind, Schema};
use crate::queries::template;
use crate::settings::{AuditSettings, TableRole};
use crate::sql::{BoundQuery, TemplateError, bind};
use crate::vocab::CheckId;

/// One query of one check.
pub struct PlannedQuery {
    pub check: CheckId,
    /// The template's name (`booking_join`) and the file it comes from
    /// (`booking_join.postgres.sql`).
    pub name: &'static str,
    pub file: &'static str,
    /// Read once per audit and shared by several checks (printed in full only the first time).
    pub shared_with_earlier: bool,
    pub query: BoundQuery,
    /// A table the query reads that the schema lacks (`explain` says so instead of planning
    /// it: a check reads such a table only when it is there, as coverage reads the migrations).
    pub missing_table: Option<String>,
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
    let bindings = with_join_range(
        audit_bindings(settings, schema, backend).int("tolerance_seconds", tolerance),
        None,
    )
    .ints("sample_ids", &[0]);
    let mut seen: Vec<&'static str> = Vec::new();
    let mut planned = Vec::new();
    for &check in checks {
        for name in check.spec().queries {
            let Some((file, text)) = template(name, backend) else {
                continue;
            };
            let missing_table = TableRole::ALL
                .iter()
                .map(|role| settings.table(*role))
                .zip(TableRole::ALL.iter().map(|r| format!(":\"{}\"", r.key())))
                .find(|(table, placeholder)| {
                    text.contains(placeholder.as_str()) && !schema.has_table(table)
                })
                .map(|(table, _)| table.to_owned());
            planned.push(PlannedQuery {
                check,
                name,
                file,
                shared_with_earlier: seen.contains(&file),
                query: bind(text, &bindings)?,
                missing_table,
            });
            seen.push(file);
        }
    }
    Ok(planned)
}

/// The schema the audit expects when there is no database to read it from: every column any
/// check reads from each table, plus the ones read where they exist (legacy booking times,
/// duration, participant counts), so the queries are shown in full.
pub fn assumed_schema(settings: &AuditSettings) -> Schema {
    let optional = |role| match role {
        TableRole::Bookings => &["start_time", "end_time"][..],
        TableRole::Sessions => &["duration", "max_participants", "current_participants"][..],
        _ => &[][..],
    };
    let tables: Vec<(&str, Vec<&str>)> = TableRole::ALL
        .iter()
        .map(|&role| {
            let mut columns = columns_read_from(role);
            columns.extend(optional(role));
            columns.sort_unstable();
            columns.dedup();
            (settings.table(role), columns)
        })
        .collect();
    let borrowed: Vec<(&str, &[&str])> = tables.iter().map(|(t, c)| (*t, c.as_slice())).collect();
    Schema::from_tables(&borrowed)
}

/// The SQL exactly as the driver sends it for `backend`, with its placeholders (`$1` on
/// PostgreSQL, `?` elsewhere) where the values go; the values are [`BoundQuery::literals`].
pub fn placeholder_sql(query: &BoundQuery, backend: BackendKind) -> Result<String, String> {
    match backend {
        #[cfg(feature = "postgres")]
        BackendKind::Postgres => built::<diesel::pg::Pg>(query, &diesel::pg::Pg),
        #[cfg(feature = "mysql")]
        BackendKind::Mysql => built::<diesel::mysql::Mysql>(query, &diesel::mysql::Mysql),
        BackendKind::Sqlite => built::<diesel::sqlite::Sqlite>(query, &diesel::sqlite::Sqlite),
        #[allow(unreachable_patterns)]
        other => Err(format!(
            "this build has no {} support; rebuild with its feature",
            other.as_str()
        )),
    }
}

fn built<DB>(query: &BoundQuery, backend: &DB) -> Result<String, String>
where
    DB: diesel::backend::Backend,
    DB::QueryBuilder: Default,
    BoundQuery: diesel::query_builder::QueryFragment<DB>,
{
    use diesel::query_builder::{QueryBuilder, QueryFragment};
    let mut builder = DB::QueryBuilder::default();
    query
        .to_sql(&mut builder, backend)
        .map_err(|e| e.to_string())?;
    Ok(builder.finish())
}
