//! Runs the selected checks on one snapshot and gathers their results.
//!
//! Before a check runs, its tables and columns are looked up in the schema read at the start:
//! a missing table or needed column is an error naming look-alike tables, a column whose
//! absence makes the check meaningless skips it. Each check runs in its own savepoint, so one
//! that errors does not stop the others. Afterwards the same rules apply to every result:
//! waivers are reported, `max_offending` turns a tolerated failure into a warning, and the
//! configured severity caps the status.

use std::sync::Mutex;

use super::schedule::Schedule;
use super::{CheckContext, CheckId, Shared, audit_bindings, run};
use crate::db::{Schema, Snapshot};
use crate::progress::Progress;
use crate::report::{CheckResult, Status, WaiverOutcome, WaiverState};
use crate::settings::{AuditSettings, TableRole};
use crate::sql::Bindings;

pub async fn run_checks(
    snapshots: &mut [Snapshot],
    schema: &Schema,
    settings: &AuditSettings,
    checks: &[CheckId],
) -> Vec<CheckResult> {
    let Some(backend) = snapshots.first().map(Snapshot::backend) else {
        return Vec::new();
    };
    let bindings = audit_bindings(settings, schema, backend);
    let runnable: Vec<CheckId> = checks
        .iter()
        .copied()
        .filter(|id| matches!(preflight(*id, schema, settings), Preflight::Run))
        .collect();
    let parts = super::booking_join::parts(backend, snapshots.len(), schema, settings);
    let shared = Shared::for_checks(&runnable, parts);
    // One worker per snapshot takes the next check the schedule gives it: a slow check
    // occupies one connection while the others go on. Results keep the checks' fixed order.
    let schedule = Mutex::new(Schedule::new(checks));
    let results = Mutex::new(vec![None; checks.len()]);
    let progress = Progress::default();
    let workers = snapshots.iter_mut().map(|snapshot| {
        let (schedule, results, bindings, shared, progress) =
            (&schedule, &results, &bindings, &shared, &progress);
        async move {
            loop {
                let next = schedule.lock().map(|mut s| s.take(shared)).unwrap_or(None);
                let Some((index, id)) = next else { break };
                let started = std::time::Instant::now();
                tracing::info!("{id}: started");
                progress.start(id);
                let mut result = run_one(id, snapshot, schema, settings, bindings, shared).await;
                result.duration = started.elapsed();
                progress.finish(id);
                if let Ok(mut schedule) = schedule.lock() {
                    schedule.finish(id);
                }
                tracing::info!(
                    "{id}: {} in {:.3} s",
                    result.status.as_str(),
                    result.duration.as_secs_f64()
                );
                if let Ok(mut slots) = results.lock() {
                    slots[index] = Some(result);
                }
            }
        }
    });
    if Progress::wanted() {
        tokio::select! {
            _ = futures_util::future::join_all(workers) => {}
            () = progress.tick() => {}
        }
        progress.clear();
    } else {
        futures_util::future::join_all(workers).await;
    }
    let slots = results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    checks
        .iter()
        .zip(slots)
        .map(|(id, slot)| {
            slot.unwrap_or_else(|| {
                CheckResult::error(*id, "not run: the audit stopped early".into())
            })
        })
        .collect()
}

async fn run_one(
    id: CheckId,
    snapshot: &mut Snapshot,
    schema: &Schema,
    settings: &AuditSettings,
    bindings: &Bindings,
    shared: &Shared,
) -> CheckResult {
    match preflight(id, schema, settings) {
        Preflight::Error(message) => CheckResult::error(id, message),
        Preflight::Skip(reason) => CheckResult::skipped(id, reason),
        Preflight::Run => match snapshot.begin_check().await {
            Err(e) => CheckResult::error(id, e.to_string()),
            Ok(()) => {
                let mut ctx = CheckContext {
                    id,
                    snapshot,
                    settings,
                    schema,
                    bindings,
                    shared,
                };
                let outcome = run(id, &mut ctx).await;
                // A failure to end the savepoint is recorded by the snapshot: later checks on
                // it then fail fast with the reason, so it needs no handling here.
                let _ = snapshot.end_check(outcome.is_ok()).await;
                match outcome {
                    Ok(result) => settle(result, settings),
                    Err(e) => {
                        let message = e.to_string();
                        let lower = message.to_lowercase();
                        let placed = if lower.contains("utf-8") {
                            super::probe::locate_non_utf8(id, snapshot, schema, settings).await
                        } else if lower.contains("not a timestamp") {
                            super::probe::locate_unreadable_times(id, snapshot, settings)
                                .await
                                .map(|place| format!("{message} ({place})"))
                        } else if lower.contains("unexpected null") {
                            super::probe::locate_nulls(id, snapshot, schema, settings)
                                .await
                                .map(|place| format!("{message} ({place})"))
                        } else {
                            None
                        };
                        CheckResult::error(id, placed.unwrap_or(message))
                    }
                }
            }
        },
    }
}

/// What the schema says of a check before it runs, for `explain`: `Some((true, why))` when it
/// would be skipped, `Some((false, why))` when it could not run, `None` when it runs.
pub fn schema_verdict(
    id: CheckId,
    schema: &Schema,
    settings: &AuditSettings,
) -> Option<(bool, String)> {
    match preflight(id, schema, settings) {
        Preflight::Run => None,
        Preflight::Skip(why) => Some((true, why)),
        Preflight::Error(why) => Some((false, why)),
    }
}

enum Preflight {
    Run,
    Skip(String),
    Error(String),
}

/// Are the tables and columns this check reads all there?
fn preflight(id: CheckId, schema: &Schema, settings: &AuditSettings) -> Preflight {
    let spec = id.spec();
    for (role, columns) in spec.skip_without {
        let table = settings.table(*role);
        if !schema.has_table(table) {
            return Preflight::Skip(format!(
                "skipped: there is no table \"{table}\" (set {} if it has another name)",
                role.setting()
            ));
        }
        let missing = schema.missing_columns(table, columns);
        if !missing.is_empty() {
            return Preflight::Skip(format!(
                "skipped: \"{table}\" has no column {} any more",
                quoted(&missing)
            ));
        }
    }
    for (role, columns) in spec.needs {
        let table = settings.table(*role);
        if !schema.has_table(table) {
            let candidates = schema.candidates(table, &columns_read_from(*role));
            let hint = if candidates.is_empty() {
                format!(
                    "no similar table found; check {} and that this is the right database",
                    role.setting()
                )
            } else {
                format!(
                    "tables that look like it: {}; set {} to the right one",
                    candidates.join(", "),
                    role.setting()
                )
            };
            let server_said = if schema.warnings().is_empty() {
                String::new()
            } else {
                format!(
                    " (the server could not describe some tables: {})",
                    schema.warnings().join("; ")
                )
            };
            return Preflight::Error(format!(
                "table \"{table}\" does not exist{server_said}; {hint}"
            ));
        }
        let missing = schema.missing_columns(table, columns);
        if !missing.is_empty() {
            return Preflight::Error(format!(
                "table \"{table}\" has no column {}; apply the migrations up to services 0019 or point {} at the right table",
                quoted(&missing),
                role.setting()
            ));
        }
    }
    Preflight::Run
}

/// Every column any check reads from a table: what a look-alike table must have, and what
/// `session-audit sql` assumes a table has.
pub fn columns_read_from(role: TableRole) -> Vec<&'static str> {
    let mut columns: Vec<&'static str> = CheckId::ALL
        .iter()
        .flat_map(|id| id.spec().needs.iter().chain(id.spec().skip_without))
        .filter(|(r, _)| *r == role)
        .flat_map(|(_, cols)| cols.iter().copied())
        .collect();
    columns.sort_unstable();
    columns.dedup();
    columns
}

fn quoted(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rules every check's result goes through: waivers, threshold, severity.
fn settle(mut result: CheckResult, settings: &AuditSettings) -> CheckResult {
    let check = settings.check(result.id);
    for waiver in settings.waivers_for(result.id) {
        let matched: Vec<i64> = waiver
            .ids
            .iter()
            .copied()
            .filter(|id| result.waived_ids.contains(id) || result.expired_waiver_ids.contains(id))
            .collect();
        let state = if matched.is_empty() {
            WaiverState::Stale
        } else if waiver.expires < settings.today {
            WaiverState::Expired
        } else {
            WaiverState::Active
        };
        result.waivers.push(WaiverOutcome {
            ids: waiver.ids.clone(),
            reason: waiver.reason.clone(),
            expires: waiver.expires,
            state,
            matched,
        });
    }
    let mut notes = Vec::new();
    if !result.waived_ids.is_empty() {
        notes.push(format!("{} waived", result.waived_ids.len()));
    }
    for w in result
        .waivers
        .iter()
        .filter(|w| w.state == WaiverState::Expired)
    {
        notes.push(format!(
            "the waiver for {} expired on {}, so they count again",
            ids_text(&w.matched),
            w.expires
        ));
    }
    let stale = result
        .waivers
        .iter()
        .filter(|w| w.state == WaiverState::Stale)
        .count();
    if stale > 0 {
        notes.push(format!(
            "{stale} stale waiver{} match nothing: remove {}",
            if stale == 1 { "" } else { "s" },
            if stale == 1 { "it" } else { "them" }
        ));
    }
    let unwaived = result.sample_total - result.waived_ids.len() as i64;
    if result.status == Status::Fail
        && check.max_offending > 0
        && unwaived <= check.max_offending as i64
    {
        result.status = Status::Warn;
        notes.push(format!(
            "within the allowance of {} (max_offending)",
            check.max_offending
        ));
    }
    let capped = check.severity.cap(result.status);
    if capped != result.status {
        notes.push(format!("severity {}", check.severity.as_str()));
        result.status = capped;
    }
    if !notes.is_empty() {
        let summary = result.summary.trim_end_matches('.');
        result.summary = format!("{summary} ({}).", notes.join("; "));
    }
    result.severity = check.severity;
    result
}

fn ids_text(ids: &[i64]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!(
        "id{} {}",
        if ids.len() == 1 { "" } else { "s" },
        list.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(p: Preflight) -> String {
        match p {
            Preflight::Error(m) | Preflight::Skip(m) => m,
            Preflight::Run => "run".into(),
        }
    }

    #[test]
    fn missing_table_names_look_alikes_and_the_setting() {
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
        let m = message(preflight(
            CheckId::DuplicateTimes,
            &schema,
            &AuditSettings::default(),
        ));
        assert_eq!(
            m,
            "table \"services_servicesession\" does not exist; tables that look like it: service_sessions; \
             set --sessions-table (or tables.sessions in the config) to the right one"
        );
    }

    #[test]
    fn missing_needed_column_is_an_error_and_missing_legacy_column_a_skip() {
        let schema = Schema::from_tables(&[
            ("bookings_booking", &["id", "status", "service_session_id"]),
            ("services_servicesession", &["id", "start_time", "end_time"]),
        ]);
        let settings = AuditSettings::default();
        assert!(matches!(
            preflight(CheckId::LegacyTimeDrift, &schema, &settings),
            Preflight::Skip(_)
        ));
        assert!(matches!(
            preflight(CheckId::MigrationState, &schema, &settings),
            Preflight::Skip(_)
        ));
        let m = message(preflight(CheckId::ServiceMismatch, &schema, &settings));
        assert!(m.contains("no column \"service_id\""), "{m}");
    }
}
