//! Runs the selected checks on one snapshot and gathers their results.
//!
//! Before a check runs, its tables and columns are looked up in the schema read at the start,
//! so a missing table gets a message naming look-alike tables instead of a raw SQL error. A
//! check that errors does not stop the others: each runs inside its own savepoint.

use super::{CheckContext, CheckId, run};
use crate::db::{Schema, Snapshot};
use crate::report::CheckResult;
use crate::settings::AuditSettings;

pub async fn run_checks(
    snapshot: &mut Snapshot,
    schema: &Schema,
    settings: &AuditSettings,
    checks: &[CheckId],
) -> Vec<CheckResult> {
    let mut results = Vec::with_capacity(checks.len());
    for &id in checks {
        if let Err(message) = preflight(id, schema, settings) {
            results.push(CheckResult::error(id, message));
            continue;
        }
        let result = match snapshot.begin_check().await {
            Err(e) => CheckResult::error(id, e.to_string()),
            Ok(()) => {
                let outcome = run(id, &mut CheckContext { snapshot, settings }).await;
                let succeeded = outcome.is_ok();
                // A failure to end the savepoint is recorded by the snapshot: later checks
                // then fail fast with the reason, so it needs no handling here.
                let _ = snapshot.end_check(succeeded).await;
                outcome.unwrap_or_else(|e| CheckResult::error(id, e.to_string()))
            }
        };
        results.push(result);
    }
    results
}

/// Are the tables and columns this check reads all there?
fn preflight(id: CheckId, schema: &Schema, settings: &AuditSettings) -> Result<(), String> {
    for (role, columns) in id.spec().needs {
        let table = settings.table(*role);
        if !schema.has_table(table) {
            let candidates = schema.candidates(table, columns);
            let hint = if candidates.is_empty() {
                format!(
                    "no similar table found; check {} and that this is the right database",
                    role.flag()
                )
            } else {
                format!(
                    "tables that look like it: {}; set {} to the right one",
                    candidates.join(", "),
                    role.flag()
                )
            };
            return Err(format!("table \"{table}\" does not exist; {hint}"));
        }
        let missing: Vec<&str> = columns
            .iter()
            .copied()
            .filter(|c| !schema.has_column(table, c))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "table \"{table}\" has no column {}; apply the migrations up to services 0019 or point {} at the right table",
                missing
                    .iter()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                role.flag()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_table_names_look_alikes_and_the_flag() {
        let schema = Schema::from_tables(&[(
            "service_sessions",
            &[
                "id",
                "service_id",
                "session_type",
                "visibility",
                "start_time",
            ],
        )]);
        let message =
            preflight(CheckId::DuplicateTimes, &schema, &AuditSettings::default()).unwrap_err();
        assert_eq!(
            message,
            "table \"services_servicesession\" does not exist; tables that look like it: service_sessions; set --sessions-table to the right one"
        );
    }

    #[test]
    fn missing_column_is_named() {
        let schema = Schema::from_tables(&[("bookings_booking", &["id", "status", "start_time"])]);
        let message = preflight(CheckId::Coverage, &schema, &AuditSettings::default()).unwrap_err();
        assert!(
            message.contains("no column \"service_session_id\""),
            "{message}"
        );
    }
}
