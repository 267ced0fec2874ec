//! The command line as typed: clap definitions only. Validation into the plan the runner takes
//! happens in `plan`. Field docs become `--help`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::vocab::CheckId;

mod output;
pub use output::{AnnotationChoice, ColorChoice, LookArgs, OutputArgs};

#[derive(Debug, Parser)]
#[command(
    name = "session-audit",
    version,
    about = "Audits a Django booking database: is ServiceSession the single source of truth for every booking's schedule?",
    after_help = "Exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 the audit could not be evaluated."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Log to stderr: -v each step and check with its time, -vv also every query's SQL.
    // Global flags are listed last in every command's help, just before -h: left to clap,
    // they land wherever the command's own flags' count puts them.
    #[arg(short, long, action = clap::ArgAction::Count, global = true, display_order = 900)]
    pub verbose: u8,

    /// Print nothing, not even errors: the exit code is the answer (files asked for with
    /// --output are still written).
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        display_order = 901
    )]
    pub quiet: bool,
}

impl Cli {
    /// How many blocking threads the runtime may start: one per connection of a single
    /// audit (`--jobs`), since a SQLite connection runs each query on one. None (tokio's
    /// default) for every other command, a fleet included: there a query abandoned at its time
    /// limit keeps its thread while the next target opens its connections, so no cap is safe.
    pub fn blocking_threads(&self) -> Option<usize> {
        let check = match &self.command {
            Command::Check(args) => args,
            Command::Report(args) => &args.check,
            _ => return None,
        };
        (check.fleet.targets.is_none()).then_some(usize::from(check.connect.limits.jobs))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit a database, read-only, and exit 0 (pass), 1 (a check failed) or 2 (error).
    Check(Box<CheckArgs>),
    /// Write a demo SQLite database with known defects, then audit it.
    Demo(DemoArgs),
    /// Write a commented configuration file (session-audit.toml): every setting at its default,
    /// or, with --database-url, made for that database.
    Init(InitArgs),
    /// Audit and save timestamped JSON, CSV and HTML reports in a folder with their history,
    /// comparing with the latest one there. For scheduled audits.
    Report(Box<ReportArgs>),
    /// Print the SQL each check would run, with the configured table names, without
    /// connecting: what a DBA approves before a run on production.
    Sql(SqlArgs),
    /// Connect read-only and print the planner's cost estimate for each check's queries
    /// (EXPLAIN without ANALYZE: nothing is executed).
    Explain(Box<ExplainArgs>),
    /// Print (or write with --output) a remediation script for review, never run by the tool:
    /// link scheduled bookings without a session to their one matching session, create
    /// individual sessions for the others with times; one all-or-nothing, idempotent
    /// transaction.
    FixSql(Box<FixArgs>),
    /// Print a completion script for a shell. Example: session-audit completions bash >
    /// /etc/bash_completion.d/session-audit
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of the tool or of one subcommand, or write them all to a
    /// folder. Example: session-audit man check > session-audit-check.1; session-audit man
    /// --dir /usr/local/share/man/man1
    Man(ManArgs),
    /// Print the JSON Schema (draft 2020-12) of the JSON report, to validate reports in a
    /// pipeline. Example: session-audit schema > report.schema.json
    Schema,
    /// Show what a check verifies, why it matters and how to fix what it finds.
    ExplainCheck {
        /// The check's id. Example: coverage
        #[arg(value_enum)]
        id: CheckId,
    },
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print [default: the tool's own page].
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,

    /// Write every page (session-audit.1, session-audit-check.1, …) into this folder, created
    /// when missing.
    #[arg(long, value_name = "DIR", conflicts_with = "subcommand")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The checks to show [default: every check the config enables]. Example: coverage capacity
    #[arg(value_enum, value_name = "ID")]
    pub ids: Vec<CheckId>,

    /// Whose SQL dialect [default: the --database-url's, else postgres]. Never connects.
    #[arg(long, value_enum)]
    pub backend: Option<BackendArg>,

    /// Only its scheme is read, to pick the dialect; nothing connects.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// The configuration file. Default: ./session-audit.toml when it exists.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub tables: TableArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendArg {
    Postgres,
    Mysql,
    Sqlite,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it; `-` prints it instead.
    #[arg(default_value = crate::config::DEFAULT_FILE, value_name = "PATH")]
    pub path: PathBuf,

    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,

    /// Read this database (read-only) and write a config made for it: the tables found, the
    /// optional columns, every status, type and visibility value with its count (values outside
    /// the vocabulary marked), the migration state. DATABASE_URL is not read here: pass it.
    /// Example: --database-url postgres://audit@db/prod
    #[arg(long, value_name = "URL", conflicts_with = "database_url_file")]
    pub database_url: Option<String>,

    /// Like --database-url, from a file (first line).
    #[arg(long, value_name = "PATH")]
    pub database_url_file: Option<PathBuf>,
}

/// Where the database is and how to reach it: every command that connects.
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// The database to audit, in the forms of Django's dj-database-url:
    /// postgres://USER[:PASSWORD]@HOST[:PORT]/DB (or pgsql://), mysql://…, sqlite:///RELATIVE,
    /// sqlite:////ABSOLUTE, file:PATH or a plain SQLite file path. Example: --database-url
    /// postgres://audit@db/prod
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Read the database URL from this file (first line; `-` reads standard input), so its
    /// password is not on the command line where `ps` shows it. PostgreSQL also takes
    /// PGPASSWORD and ~/.pgpass.
    #[arg(long, value_name = "PATH", conflicts_with = "database_url")]
    pub database_url_file: Option<PathBuf>,

    /// The configuration file. Default: ./session-audit.toml when it exists (see `init`).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub tables: TableArgs,

    #[command(flatten)]
    pub limits: LimitArgs,

    /// The URL is a fleet target's, read from the targets file, not typed on the command line
    /// (so `ps` does not show its password and no warning says it does).
    #[arg(skip)]
    pub url_from_targets_file: bool,
}

impl ConnectArgs {
    /// The connection of a command that takes only a URL (`init --database-url`): no config,
    /// table flags or limits of its own, so every setting is the default.
    pub fn for_url(database_url: Option<String>, database_url_file: Option<PathBuf>) -> Self {
        ConnectArgs {
            database_url,
            database_url_file,
            config: None,
            tables: TableArgs {
                bookings_table: None,
                sessions_table: None,
            },
            limits: LimitArgs::default(),
            url_from_targets_file: false,
        }
    }
}

/// Which checks: every command that runs or plans them.
#[derive(Debug, Args)]
pub struct SelectArgs {
    /// Run only these checks (replaces the config's `enabled`). Example: --only coverage,duplicate-times
    #[arg(long, value_enum, value_delimiter = ',', value_name = "ID,…")]
    pub only: Vec<CheckId>,

    /// Do not run these checks. Example: --skip orphan-sessions
    #[arg(long, value_enum, value_delimiter = ',', value_name = "ID,…")]
    pub skip: Vec<CheckId>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub select: SelectArgs,

    /// A waivers file ([[entry]] tables); replaces the config's waivers.
    #[arg(long, value_name = "PATH")]
    pub waivers: Option<PathBuf>,

    /// Accept an audit of empty bookings and sessions tables (a new database) as a pass; without
    /// it that is exit 2: nothing was verified, which is usually the wrong database.
    #[arg(long)]
    pub allow_empty: bool,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub compare: CompareArgs,

    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// Many databases in one run (`--targets`).
#[derive(Debug, Args)]
pub struct FleetArgs {
    /// Audit every database this file names ([[target]] tables: name, url or url_file, and an
    /// optional config), concurrently, each on its own read-only snapshot, into one report with
    /// one exit code, the worst. Replaces --database-url. Example: --targets targets.toml
    #[arg(long, value_name = "PATH")]
    pub targets: Option<PathBuf>,

    /// With --targets: how many databases are audited at once (each with up to --jobs
    /// connections). Example: --parallel 8
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256), value_name = "N", requires = "targets")]
    pub parallel: u16,
}

/// `explain`: connects and plans, writes no report.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub select: SelectArgs,
}

/// `fix-sql`: connects and reads, writes a script.
#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Write the script to this file instead of standard output (replaced atomically; `-` is
    /// standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also repair bookings whose status is not in the config's statuses.known (by default they
    /// are listed in the script's header and left alone: `cancelled` is usually a typo of a
    /// status that needs no session). Same as `[fix] include_unknown_status = true`.
    #[arg(long)]
    pub include_unknown_status: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Show what changed since this earlier JSON report (metrics, new and gone rows, the
    /// crosstab), in every format. `report` compares with the latest in its folder by default.
    #[arg(long, value_name = "REPORT.json")]
    pub compare: Option<PathBuf>,

    /// A failing check fails only when it has offending rows the earlier report did not have
    /// (a known backlog then only warns). Lists every offending id (implies --sample all).
    #[arg(long)]
    pub fail_on_new: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub check: CheckArgs,

    /// The folder for the timestamped JSON, CSV and HTML reports and the history index
    /// (created when missing).
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub dir: PathBuf,

    /// Keep only the newest N reports in the folder (older ones are removed). Example: --keep 30
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..), value_name = "N")]
    pub keep: Option<u32>,

    /// Do not compare with the latest report in the folder.
    #[arg(long, conflicts_with = "compare")]
    pub no_compare: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the demo database. An existing file is replaced only if it is an
    /// earlier demo database.
    #[arg(default_value = "session-audit-demo.sqlite3", value_name = "PATH")]
    pub path: PathBuf,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct TableArgs {
    /// The bookings table [default: bookings_booking]. Example: --bookings-table bookings_booking
    #[arg(long, value_name = "TABLE")]
    pub bookings_table: Option<String>,

    /// The ServiceSession table [default: services_servicesession]. Example: --sessions-table service_sessions
    #[arg(long, value_name = "TABLE")]
    pub sessions_table: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Longest any one query may run (PostgreSQL statement_timeout). Example: 30s, 2m, 500ms
    #[arg(long, default_value = "60s", value_parser = parse_duration, value_name = "DURATION")]
    pub statement_timeout: Duration,

    /// Longest a query may wait for a lock held by another session. Example: 5s
    #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
    pub lock_timeout: Duration,

    /// How many connections may run checks at once, all on one snapshot: PostgreSQL exports
    /// the first's, a SQLite file with a rollback journal is held still by the first's read
    /// lock; MySQL and a SQLite file in WAL mode use one. Example: --jobs 4
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=32), value_name = "N")]
    pub jobs: u8,

    /// PostgreSQL work_mem for duplicate-times' grouping query only, in MiB (at the server's
    /// default of 4 it spills to disk). Example: --work-mem-mb 64
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=4096), value_name = "MiB")]
    pub work_mem_mb: u32,

    /// PostgreSQL parallel workers per query (max_parallel_workers_per_gather, for the audit's
    /// transaction): auto is none on two or more connections, whose checks already run side
    /// by side, and the server's setting on one; server keeps the server's. Example:
    /// --parallel-workers 2 on a server with cores to spare
    #[arg(long, default_value = "auto", value_name = "auto|server|N")]
    pub parallel_workers: crate::db::ParallelWorkers,

    /// Longest to wait for the database server to answer a connection. Example: 10s
    #[arg(long, default_value = "10s", value_parser = parse_duration, value_name = "DURATION")]
    pub connect_timeout: Duration,
}

impl Default for LimitArgs {
    /// The flags' defaults (a test keeps them equal to `SnapshotOptions::default()`).
    fn default() -> Self {
        let o = crate::db::SnapshotOptions::default();
        LimitArgs {
            statement_timeout: o.statement_timeout,
            lock_timeout: o.lock_timeout,
            jobs: 1,
            work_mem_mb: o.work_mem_mb,
            parallel_workers: o.parallel_workers,
            connect_timeout: o.connect_timeout,
        }
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text)
        .map_err(|e| format!("{e}; use a number with a unit, such as 1ms, 5s or 2m"))?;
    if duration.is_zero() {
        return Err("must be more than zero; a limit of zero would mean no limit at all".into());
    }
    if duration.as_millis() > i32::MAX as u128 {
        return Err("must be less than 24 days".into());
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units_and_refuse_zero() {
        assert_eq!(parse_duration("1ms"), Ok(Duration::from_millis(1)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5").is_err());
    }

    #[test]
    fn check_flag_defaults_are_the_demos_limits() {
        let cli = Cli::try_parse_from(["session-audit", "check"]).unwrap();
        let Command::Check(args) = cli.command else {
            panic!("not check")
        };
        let defaults = crate::db::SnapshotOptions::default();
        let args = &args.connect;
        assert_eq!(args.limits.statement_timeout, defaults.statement_timeout);
        assert_eq!(args.limits.lock_timeout, defaults.lock_timeout);
        assert_eq!(args.limits.connect_timeout, defaults.connect_timeout);
        assert_eq!(args.limits.work_mem_mb, defaults.work_mem_mb);
        assert_eq!(args.limits.parallel_workers, defaults.parallel_workers);
    }

    #[test]
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn a_single_audit_gets_one_blocking_thread_per_connection_and_a_fleet_no_cap() {
        let threads = |args: &[&str]| {
            let argv = [&["session-audit"], args].concat();
            Cli::try_parse_from(argv).unwrap().blocking_threads()
        };
        assert_eq!(threads(&["check"]), Some(2));
        assert_eq!(threads(&["check", "--jobs", "5"]), Some(5));
        assert_eq!(threads(&["report", "--jobs", "3"]), Some(3));
        assert_eq!(
            threads(&["check", "--targets", "t.toml", "--jobs", "5"]),
            None
        );
        assert_eq!(threads(&["report", "--targets", "t.toml"]), None);
        assert_eq!(threads(&["sql"]), None);
        assert_eq!(threads(&["explain"]), None);
    }
}
