//! Every SQL template in `queries/`, built into the binary, and which one a backend runs.
//!
//! A template is `queries/NAME.sql` when it serves every backend and
//! `NAME.postgres.sql` / `.sqlite.sql` / `.mysql.sql` where they differ; `NAME.sql` next to a
//! `NAME.mysql.sql` serves the other two. `session-audit sql` and `explain` read them from
//! here; the checks name theirs with `sql!` (compile-time). A test keeps this list equal to
//! the directory.

use crate::db::{BackendKind, Tuning};

macro_rules! files {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_str!(concat!("../queries/", $file)))),*]
    };
}

/// (file name, text) of every file in `queries/`.
pub const FILES: &[(&str, &str)] = files![
    "booking_join.mysql.sql",
    "booking_join.postgres.sql",
    "booking_join.sqlite.sql",
    "bookings_count.sql",
    "bookings_id_range.sqlite.sql",
    "bookings_profile.sql",
    "bookings_profile_lean.sql",
    "capacity_sample.sql",
    "coverage_sample.sql",
    "dangling_session_rows.sql",
    "dangling_session_sample.sql",
    "duplicate_times.mysql.sql",
    "duplicate_times.postgres.sql",
    "duplicate_times.sqlite.sql",
    "fix_bookings.mysql.sql",
    "fix_bookings.postgres.sql",
    "fix_bookings.sqlite.sql",
    "fix_link.sql",
    "fix_link.sqlite.sql",
    "fix_script.mysql.sql",
    "fix_script.postgres.sql",
    "fix_script.sqlite.sql",
    "init_service_types.sql",
    "init_values.sql",
    "legacy_time_drift_rows.mysql.sql",
    "legacy_time_drift_rows.sql",
    "legacy_time_drift_sample.mysql.sql",
    "legacy_time_drift_sample.postgres.sql",
    "legacy_time_drift_sample.sqlite.sql",
    "make_required_readiness_sample.sql",
    "migration_state.sql",
    "non_utf8_probe.sql",
    "null_probe.sql",
    "orphan_sessions_sample.sql",
    "reminder_readiness_sample.sql",
    "rollback_safety_sample.sql",
    "rollback_safety_sessions.sql",
    "schema.mysql.sql",
    "schema.postgres.sql",
    "schema.sqlite.sql",
    "service_mismatch.sql",
    "service_mismatch_sample.sql",
    "session_load.postgres.sql",
    "session_load.sql",
    "session_load.sqlite.sql",
    "session_time_range.mysql.sql",
    "session_time_range.postgres.sql",
    "session_time_range.sqlite.sql",
    "session_time_range_sample.mysql.sql",
    "session_time_range_sample.postgres.sql",
    "session_time_range_sample.sqlite.sql",
    "status_vocabulary_sample.sql",
    "type_distribution.mysql.sql",
    "type_distribution.postgres.sql",
    "type_distribution.sqlite.sql",
    "type_distribution_sample.sql",
    "type_matches_service.mysql.sql",
    "type_matches_service.sql",
    "type_matches_service_sample.sql",
    "unreadable_time_probe.sql",
];

/// The templates PostgreSQL must plan with a setting changed (see [`Tuning`]): the checks and
/// `explain` both read it here.
pub fn tuning(name: &str) -> Option<Tuning> {
    match name {
        "duplicate_times" => Some(Tuning::MoreMemory),
        "session_load" => Some(Tuning::Serial),
        _ => None,
    }
}

/// The text of the template `name` that `backend` runs (see [`template`]). Every check's
/// queries have one for every backend, but for the few one backend alone runs (a unit test
/// below), so a missing one is a bug here.
pub fn text(name: &str, backend: BackendKind) -> &'static str {
    template(name, backend)
        .unwrap_or_else(|| panic!("queries/{name}: no template for {backend:?}"))
        .1
}

/// The template `name` for `backend`, and the file it comes from.
pub fn template(name: &str, backend: BackendKind) -> Option<(&'static str, &'static str)> {
    let specific = format!("{name}.{}.sql", backend.as_str());
    let shared = format!("{name}.sql");
    [specific, shared]
        .iter()
        .find_map(|wanted| FILES.iter().find(|(file, _)| file == wanted))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::CheckId;

    #[test]
    fn the_list_is_the_directory() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        on_disk.sort();
        let listed: Vec<String> = FILES.iter().map(|(f, _)| (*f).to_owned()).collect();
        assert_eq!(listed, on_disk);
    }

    /// Each check's declared queries are the ones its code runs, and exist for every backend.
    #[test]
    fn every_check_declares_the_queries_it_runs() {
        let sources: &[(CheckId, &[&str], &str)] = &[
            (
                CheckId::MigrationState,
                &["profile"],
                include_str!("checks/migration_state.rs"),
            ),
            (
                CheckId::Coverage,
                &["profile"],
                include_str!("checks/coverage.rs"),
            ),
            (
                CheckId::MakeRequiredReadiness,
                &["profile"],
                include_str!("checks/make_required_readiness.rs"),
            ),
            (
                CheckId::StatusVocabulary,
                &["full_profile"],
                include_str!("checks/status_vocabulary.rs"),
            ),
            (
                CheckId::TypeDistribution,
                &[],
                include_str!("checks/type_distribution.rs"),
            ),
            (
                CheckId::DuplicateTimes,
                &[],
                include_str!("checks/duplicate_times.rs"),
            ),
            (
                CheckId::DanglingSession,
                &["booking_join"],
                include_str!("checks/dangling_session.rs"),
            ),
            (
                CheckId::ServiceMismatch,
                &["booking_join"],
                include_str!("checks/service_mismatch.rs"),
            ),
            (
                CheckId::LegacyTimeDrift,
                &["booking_join"],
                include_str!("checks/legacy_time_drift.rs"),
            ),
            (
                CheckId::SessionTimeRange,
                &[],
                include_str!("checks/session_time_range.rs"),
            ),
            (
                CheckId::Capacity,
                &["session_load"],
                include_str!("checks/capacity.rs"),
            ),
            (
                CheckId::TypeMatchesService,
                &[],
                include_str!("checks/type_matches_service.rs"),
            ),
            (
                CheckId::ReminderReadiness,
                &["booking_join"],
                include_str!("checks/reminder_readiness.rs"),
            ),
            (
                CheckId::RollbackSafety,
                &["booking_join", "session_load"],
                include_str!("checks/rollback_safety.rs"),
            ),
            (
                CheckId::OrphanSessions,
                &["session_load"],
                include_str!("checks/orphan_sessions.rs"),
            ),
        ];
        // A pass's file may hold more templates than one of its readers can run: the lean
        // profile is never read for status-vocabulary, which needs every booking's status.
        let shared: [(&str, &[&str], &str); 4] = [
            (
                "profile",
                &["bookings_profile", "bookings_profile_lean"],
                include_str!("checks/profile.rs"),
            ),
            (
                "full_profile",
                &["bookings_profile"],
                include_str!("checks/profile.rs"),
            ),
            (
                "booking_join",
                &["booking_join", "bookings_id_range"],
                include_str!("checks/booking_join.rs"),
            ),
            (
                "session_load",
                &["session_load"],
                include_str!("checks/session_load.rs"),
            ),
        ];
        assert_eq!(sources.len(), CheckId::ALL.len());
        for (id, passes, source) in sources {
            let mut used = sql_names(source);
            for pass in *passes {
                let (_, names, text) = shared.iter().find(|(p, _, _)| p == pass).unwrap();
                let found = sql_names(text);
                assert!(
                    names.iter().all(|n| found.contains(&(*n).to_owned())),
                    "{pass}"
                );
                used.extend(names.iter().map(|n| (*n).to_owned()));
            }
            let mut declared: Vec<String> =
                id.spec().queries.iter().map(|q| (*q).to_owned()).collect();
            used.sort();
            declared.sort();
            assert_eq!(used, declared, "{id}");
            for name in id.spec().queries {
                for backend in [
                    BackendKind::Postgres,
                    BackendKind::Sqlite,
                    BackendKind::Mysql,
                ] {
                    // The booking join's id range serves only SQLite's join in parts
                    // (checks/booking_join.rs), so `sql` and `explain` show it nowhere else.
                    let runs_here = !SQLITE_ONLY.contains(name) || backend == BackendKind::Sqlite;
                    assert_eq!(
                        template(name, backend).is_some(),
                        runs_here,
                        "{name} for {backend:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn tuned_templates_exist_and_are_declared_by_a_check() {
        for name in ["duplicate_times", "session_load"] {
            assert!(tuning(name).is_some(), "{name}");
            assert!(template(name, BackendKind::Postgres).is_some(), "{name}");
            assert!(
                CheckId::ALL
                    .iter()
                    .any(|id| id.spec().queries.contains(&name))
            );
        }
        assert_eq!(tuning("booking_join"), None);
    }

    const SQLITE_ONLY: [&str; 1] = ["bookings_id_range"];

    /// The names in `sql!("name")` and `sql!(ctx, "name")`.
    fn sql_names(source: &str) -> Vec<String> {
        source
            .split("sql!(")
            .skip(1)
            .filter_map(|rest| rest.split('"').nth(1).map(str::to_owned))
            .collect()
    }
}
