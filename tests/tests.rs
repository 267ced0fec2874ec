#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot set up should stop loudly
//! The integration tests: the real binary against real databases.
//!
//! `cases` holds the cases every backend must pass; the `backend_cases!` macro runs each of them
//! on SQLite, PostgreSQL and MariaDB (`sqlite::NAME`, `postgres::NAME`, `mariadb::NAME`). Backend-specific behaviour
//! (SQLite's text timestamps, PostgreSQL's timeouts and authentication) has its own modules.

mod support;

/// `mod $case { fn sqlite(); fn postgres(); fn mariadb() }` for each case function of the module
/// it is used in, each on a database of its own.
macro_rules! on_every_backend {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[test]
                fn sqlite() {
                    super::$case(&crate::support::SqliteDb::new());
                }
                #[test]
                fn postgres() {
                    let Some(db) = crate::support::pg::PgDb::new() else { return };
                    super::$case(&db);
                }
                #[test]
                fn mariadb() {
                    let Some(db) = crate::support::mysql::MysqlDb::new() else { return };
                    super::$case(&db);
                }
            }
        )*
    };
}

mod browser;
mod cases;
mod cli;
mod fix_clients;
mod fleet;
mod mariadb_only;
mod postgres_only;
mod real_platform;
mod reference;
mod reports;
mod sql_clients;
mod sqlite_only;
mod standby;
mod terminal_and_ci;
mod tls;
mod urls_and_stdio;

macro_rules! backend_cases {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $case() {
                    let db = crate::support::SqliteDb::new();
                    crate::cases::$case(&db);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $case() {
                    let Some(db) = crate::support::pg::PgDb::new() else { return };
                    crate::cases::$case(&db);
                }
            )*
        }
        mod mariadb {
            $(
                #[test]
                fn $case() {
                    let Some(db) = crate::support::mysql::MysqlDb::new() else { return };
                    crate::cases::$case(&db);
                }
            )*
        }
    };
}

backend_cases!(
    clean_database_passes_with_exit_0,
    one_finding_reads_in_the_singular,
    coverage_counts_breakdown_and_sample,
    sample_size_is_a_setting,
    null_start_times_are_not_duplicates,
    individual_sessions_may_share_times,
    duplicate_groups_are_exact,
    unknown_and_empty_values_fail,
    unexpected_pairs_warn_but_pass,
    missing_expected_pairs_are_information,
    empty_tables_warn,
    missing_table_names_look_alikes,
    renamed_sessions_table_works_with_the_flag,
    missing_column_is_an_error,
    csv_parses_back_one_row_per_finding,
    table_format_names_every_check,
    output_file_is_written,
    migration_state_reports_the_step,
    migration_state_blocks_the_next_step_and_fails_out_of_order,
    migration_state_is_skipped_without_a_migrations_table,
    schema_without_legacy_times_skips_what_needs_them,
    unknown_statuses_count_as_scheduled_and_are_named,
    dangling_sessions_are_found,
    service_mismatches_are_found,
    legacy_time_drift_is_found_and_tolerance_is_a_setting,
    impossible_session_times_are_found,
    capacity_problems_are_found,
    session_types_must_match_their_service,
    reminders_need_an_effective_start,
    rollback_loss_warns_and_severity_is_a_setting,
    orphans_are_information_unless_raised,
    waivers_excuse_expire_and_go_stale,
    max_offending_turns_a_small_failure_into_a_warning,
    only_and_skip_select_checks,
    fix_sql_repairs_coverage_and_readiness_and_nothing_else,
    every_check_answers_alone_as_in_the_whole_audit,
);
