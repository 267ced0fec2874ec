//! `session-audit sql` and `session-audit explain`: what an audit would run, and what the
//! planner expects it to cost, so a DBA can approve a run on production first.

use std::fmt::Write as _;

use diesel::QueryableByName;
use diesel::sql_types::Text;

use crate::cli::{BackendArg, ExplainArgs, SqlArgs};
use crate::client_script::{Script, ScriptQuery};
use crate::db::{BackendKind, DatabaseUrl, Reading, Snapshot};
use crate::error::AuditError;
use crate::plan::{CheckPlan, table_settings};
use crate::preview::{PlannedQuery, assumed_schema, placeholder_sql, planned_queries};
use crate::vocab::CheckId;

/// Prints every selected check's queries for one dialect, as a script its client runs
/// (see `client_script`). Never connects.
pub fn sql(args: &SqlArgs) -> Result<u8, AuditError> {
    let settings = table_settings(args.config.as_deref(), &args.tables)?;
    let backend = match (args.backend, &args.database_url) {
        (Some(BackendArg::Postgres), _) => BackendKind::Postgres,
        (Some(BackendArg::Mysql), _) => BackendKind::Mysql,
        (Some(BackendArg::Sqlite), _) => BackendKind::Sqlite,
        (None, Some(url)) => DatabaseUrl::parse(url)?.backend(),
        (None, None) => BackendKind::Postgres,
    };
    let checks = if args.ids.is_empty() {
        settings.enabled_checks()
    } else {
        args.ids.clone()
    };
    let schema = assumed_schema(&settings);
    let planned = planned_queries(&settings, &schema, backend, &checks)
        .map_err(|e| AuditError::Usage(e.to_string()))?;
    let header = [
        format!(
            "session-audit {}: the SQL each check runs on {}, in one read-only transaction.",
            env!("CARGO_PKG_VERSION"),
            backend.as_str()
        ),
        "Detail and sample queries run only when a check finds something (here they run".into(),
        "always, with id 0 where the audit would pass the ids it found); shared queries run".into(),
        "once per audit. Values are bound as the client binds them, never spliced into a query."
            .into(),
        "Assumes the legacy booking times still exist.".into(),
    ];
    let mut script = Script::new(backend, &header);
    let default_work_mem = crate::db::SnapshotOptions::default().work_mem_mb;
    let mut current = None;
    for q in &planned {
        if current != Some(q.check) {
            current = Some(q.check);
            script.blank_line();
            script.comment(&format!("===== {}: {}", q.check, q.check.spec().title));
        }
        if q.shared_with_earlier {
            script.comment(&format!("queries/{} (shared: printed above)", q.file));
            continue;
        }
        script.query(&ScriptQuery {
            file: q.file,
            sql: placeholder_sql(&q.query, backend).map_err(AuditError::Usage)?,
            literals: q.query.literals(),
            settings: crate::queries::tuning(q.name)
                .map(|t| t.settings(default_work_mem))
                .unwrap_or_default(),
        });
    }
    let out = script.finish();
    crate::console::print(out.as_bytes()).map_err(AuditError::Write)?;
    Ok(0)
}

#[derive(QueryableByName)]
struct PgPlanLine {
    #[diesel(sql_type = Text)]
    #[diesel(column_name = "QUERY PLAN")]
    line: String,
}

#[derive(QueryableByName)]
struct SqlitePlanLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct MysqlPlanJson {
    #[diesel(sql_type = Text)]
    #[diesel(column_name = "EXPLAIN")]
    json: String,
}

/// Connects read-only, asks the planner about every query of the selected checks (EXPLAIN
/// without ANALYZE: nothing runs), and prints one estimate per query.
pub async fn explain(args: &ExplainArgs) -> Result<u8, AuditError> {
    let plan = CheckPlan::connecting(&args.connect, Some(&args.select))?;
    // One connection plans, under the settings the audit's connections would have.
    let connections = crate::audit::connections(plan.jobs, plan.checks.len());
    let options = plan.options.on_connections(connections);
    let mut reading = Reading::open(&plan.url, options, 1, &plan.settings.renames()).await?;
    let schema = reading.schema.clone();
    let snapshot = reading.first()?;
    let backend = plan.url.backend();
    // Checks the schema already rules out are not planned: said once, as `check` would.
    let mut ruled_out = Vec::new();
    let runnable: Vec<CheckId> = plan
        .checks
        .iter()
        .copied()
        .filter(
            |id| match crate::checks::runner::schema_verdict(*id, &schema, &plan.settings) {
                None => true,
                Some(verdict) => {
                    ruled_out.push((*id, verdict));
                    false
                }
            },
        )
        .collect();
    let planned = planned_queries(&plan.settings, &schema, backend, &runnable)
        .map_err(|e| AuditError::Usage(e.to_string()))?;
    // Collected and printed once: a closed stdout then ends the command quietly.
    let mut out = String::new();
    let _ = writeln!(
        out,
        "session-audit {} · planner estimates on {} (EXPLAIN, nothing executed)",
        env!("CARGO_PKG_VERSION"),
        plan.url.redacted
    );
    let mut current = None;
    let mut failed = false;
    for (id, (skipped, why)) in &ruled_out {
        failed |= !skipped;
        let _ = writeln!(
            out,
            "\n{id}: {}\n  {}",
            id.spec().title,
            crate::error::one_line(why)
        );
    }
    for q in planned {
        if current != Some(q.check) {
            current = Some(q.check);
            let _ = writeln!(out, "\n{}: {}", q.check, q.check.spec().title);
        }
        if q.shared_with_earlier {
            let _ = writeln!(out, "  {:<38} shared, estimated above", q.file);
            continue;
        }
        if let Some(table) = &q.missing_table {
            let _ = writeln!(
                out,
                "  {:<38} not planned: there is no table {table}",
                q.file
            );
            continue;
        }
        // Each plan in a savepoint of its own, as each check is: on PostgreSQL one failed
        // EXPLAIN would otherwise abort the transaction and every later one would answer
        // "current transaction is aborted".
        let _ = snapshot.begin_check().await;
        let planned = estimate(snapshot, backend, q).await;
        let _ = snapshot.end_check(planned.is_ok()).await;
        match planned {
            Ok((file, estimate)) => {
                let _ = writeln!(out, "  {file:<38} {estimate}");
            }
            Err((file, e)) => {
                failed = true;
                let _ = writeln!(out, "  {file:<38} cannot plan: {e}");
            }
        }
    }
    reading.close().await;
    crate::console::print(out.as_bytes()).map_err(AuditError::Write)?;
    Ok(if failed { 2 } else { 0 })
}

async fn estimate(
    snapshot: &mut Snapshot,
    backend: BackendKind,
    q: PlannedQuery,
) -> Result<(&'static str, String), (&'static str, String)> {
    let file = q.file;
    let fail = |e: crate::db::QueryError| (file, crate::error::one_line(&e.to_string()));
    let text = match backend {
        BackendKind::Postgres => {
            // Planned under the setting the audit runs it with.
            let query = q.query.prefixed("EXPLAIN ");
            let lines: Vec<PgPlanLine> = match crate::queries::tuning(q.name) {
                Some(tuning) => snapshot.load_tuned(query, tuning).await,
                None => snapshot.load(query).await,
            }
            .map_err(fail)?;
            let top = lines
                .first()
                .map(|l| l.line.trim().to_owned())
                .unwrap_or_default();
            match top.split_once("(cost=") {
                Some((node, rest)) => {
                    let cost = rest.split(' ').next().unwrap_or("");
                    let total = cost.split("..").nth(1).unwrap_or(cost);
                    let rows = rest
                        .split("rows=")
                        .nth(1)
                        .and_then(|r| r.split(' ').next())
                        .unwrap_or("?");
                    format!("cost {total}, {rows} row(s) out; top node: {}", node.trim())
                }
                None => top,
            }
        }
        BackendKind::Sqlite => {
            let lines: Vec<SqlitePlanLine> = snapshot
                .load(q.query.prefixed("EXPLAIN QUERY PLAN "))
                .await
                .map_err(fail)?;
            let steps: Vec<String> = lines.into_iter().map(|l| l.detail).collect();
            format!("plan: {}", steps.join("; "))
        }
        BackendKind::Mysql => {
            let rows: Vec<MysqlPlanJson> = snapshot
                .load(q.query.prefixed("EXPLAIN FORMAT=JSON "))
                .await
                .map_err(fail)?;
            let json: serde_json::Value = rows
                .first()
                .and_then(|r| serde_json::from_str(&r.json).ok())
                .unwrap_or_default();
            mysql_estimate(&json)
        }
    };
    Ok((file, text))
}

/// MySQL reports `query_cost`; MariaDB only row estimates per table: both are shown as found.
fn mysql_estimate(json: &serde_json::Value) -> String {
    fn walk(value: &serde_json::Value, cost: &mut Option<String>, tables: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(c) = map.get("query_cost").and_then(|c| c.as_str()) {
                    cost.get_or_insert(c.to_owned());
                }
                if let Some(name) = map.get("table_name").and_then(|t| t.as_str()) {
                    let rows = map
                        .get("rows")
                        .or_else(|| map.get("rows_examined_per_scan"))
                        .map_or("?".to_owned(), |r| r.to_string());
                    let access = map
                        .get("access_type")
                        .and_then(|a| a.as_str())
                        .unwrap_or("?");
                    tables.push(format!("{name} {access} ~{rows} rows"));
                }
                for v in map.values() {
                    walk(v, cost, tables);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, cost, tables)),
            _ => {}
        }
    }
    let (mut cost, mut tables) = (None, Vec::new());
    walk(json, &mut cost, &mut tables);
    match cost {
        Some(cost) => format!("cost {cost}; {}", tables.join(", ")),
        None => tables.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mariadb_and_mysql_estimates_are_read() {
        let mariadb = serde_json::json!({"query_block": {"select_id": 1, "table": {"table_name": "b", "access_type": "ALL", "rows": 1000}}});
        assert_eq!(mysql_estimate(&mariadb), "b ALL ~1000 rows");
        let mysql = serde_json::json!({"query_block": {"cost_info": {"query_cost": "12.50"}, "table": {"table_name": "s", "access_type": "ref", "rows_examined_per_scan": 3}}});
        assert_eq!(mysql_estimate(&mysql), "cost 12.50; s ref ~3 rows");
    }
}
