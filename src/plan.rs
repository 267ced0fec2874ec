//! From what was typed to what will run: validates the command line once into a plan.

use std::path::PathBuf;

use crate::cli::{CheckArgs, ConnectArgs, OutputArgs, SelectArgs};
use crate::config;
use crate::db::{DatabaseUrl, SnapshotOptions};
use crate::error::AuditError;
use crate::render::Format;
use crate::settings::AuditSettings;
use crate::vocab::{CheckId, TableRole};

/// Where and how the report is written.
#[derive(Debug, Clone)]
pub struct OutputPlan {
    /// The main output: `--format` to stdout, or to `--output`.
    pub format: Format,
    pub path: Option<PathBuf>,
    /// Further files, each in its own format (`--json`, `--junit`, `--markdown`, `--csv`),
    /// rendered from the same report.
    pub files: Vec<(Format, PathBuf)>,
    /// Colour, width and annotations, as asked for (resolved against the terminal when written).
    pub look: crate::cli::LookArgs,
}

/// A validated `check`: everything the audit needs, nothing raw.
#[derive(Debug, Clone)]
pub struct CheckPlan {
    pub url: DatabaseUrl,
    pub options: SnapshotOptions,
    /// Connections that may run checks at once (where the backend can share a snapshot; see `db::sharing`).
    pub jobs: usize,
    pub settings: AuditSettings,
    pub checks: Vec<CheckId>,
    pub output: OutputPlan,
    /// `--allow-empty`: empty bookings and sessions are a pass, not "nothing evaluated".
    pub allow_empty: bool,
}

impl OutputPlan {
    pub fn from_args(args: &OutputArgs) -> Self {
        let files = [
            (Format::Json, &args.json),
            (Format::Junit, &args.junit),
            (Format::Markdown, &args.markdown),
            (Format::Csv, &args.csv),
            (Format::Openmetrics, &args.openmetrics),
        ]
        .into_iter()
        .filter_map(|(format, path)| path.clone().map(|p| (format, p)))
        .collect();
        OutputPlan {
            format: args.format,
            // `--output -` is standard output, where the main report goes by default.
            path: args.output.clone().filter(|p| !crate::stdio::is_dash(p)),
            files,
            look: args.look,
        }
    }

    /// Every file this plan writes (not `-`, standard output).
    pub fn paths(&self) -> Vec<&std::path::Path> {
        self.files
            .iter()
            .map(|(_, p)| p.as_path())
            .chain(self.path.as_deref())
            .filter(|p| !crate::stdio::is_dash(p))
            .collect()
    }

    /// Leaves out the outputs that are inputs of the run (see `inputs`): what an error report
    /// may still be written to when the plan itself could not be made.
    pub fn without(mut self, inputs: &[PathBuf]) -> Self {
        let keep = |p: &std::path::Path| crate::inputs::refuse_writing_over(&[p], inputs).is_ok();
        self.files.retain(|(_, p)| keep(p));
        if self.path.as_deref().is_some_and(|p| !keep(p)) {
            self.path = None;
        }
        self
    }

    /// Two outputs into one file would overwrite each other: refuse before connecting. So
    /// would two reports on standard output (`--json -` beside the main report there).
    pub fn validate(&self) -> Result<(), AuditError> {
        let on_stdout: Vec<String> = self
            .files
            .iter()
            .filter(|(_, p)| crate::stdio::is_dash(p))
            .map(|(format, _)| {
                let name = clap::ValueEnum::to_possible_value(format)
                    .map(|v| v.get_name().to_owned())
                    .unwrap_or_default();
                format!("--{name} -")
            })
            .collect();
        if let Some(side) = on_stdout.first()
            && (self.path.is_none() || on_stdout.len() > 1)
        {
            return Err(AuditError::Usage(format!(
                "{side} and another report both write to standard output; send the main report to a file with --output FILE, or give {side} a file"
            )));
        }
        let mut paths: Vec<&PathBuf> = self.files.iter().map(|(_, p)| p).collect();
        paths.extend(self.path.as_ref());
        for (i, path) in paths.iter().enumerate() {
            if paths[..i].contains(path) {
                return Err(AuditError::Usage(format!(
                    "{} is given as more than one output; give each format its own file",
                    path.display()
                )));
            }
        }
        Ok(())
    }
}

impl CheckPlan {
    /// The plan of a command that connects but writes no report (`explain`, `fix-sql`): the
    /// default output, no waivers; `select` for the commands that run or plan checks.
    pub fn connecting(
        connect: &ConnectArgs,
        select: Option<&SelectArgs>,
    ) -> Result<Self, AuditError> {
        let raw_url = database_url(connect)?;
        let url = DatabaseUrl::parse(&raw_url)?;
        let mut settings = table_settings(connect.config.as_deref(), &connect.tables)?;
        if let Some(select) = select {
            select_checks(&mut settings, select)?;
        }
        check_column_names(&settings)?;
        let checks = settings.enabled_checks();
        Ok(CheckPlan {
            url,
            options: SnapshotOptions {
                statement_timeout: connect.limits.statement_timeout,
                lock_timeout: connect.limits.lock_timeout,
                connect_timeout: connect.limits.connect_timeout,
                work_mem_mb: connect.limits.work_mem_mb,
                parallel_workers: connect.limits.parallel_workers,
            },
            jobs: usize::from(connect.limits.jobs),
            settings,
            checks,
            output: OutputPlan {
                format: Format::Table,
                path: None,
                files: Vec::new(),
                look: crate::cli::LookArgs::default(),
            },
            allow_empty: false,
        })
    }

    /// `check` and `report`: also waivers, the sample size and the outputs.
    pub fn from_args(args: &CheckArgs) -> Result<Self, AuditError> {
        let output = Self::outputs(args, &inputs_of(args, &args.connect))?;
        Self::with_connection(args, &args.connect, output)
    }

    /// The outputs of `check` or `report`, validated first: every later error writes an
    /// error report to them. None may be one of `inputs`, the files the run reads.
    pub fn outputs(args: &CheckArgs, inputs: &[PathBuf]) -> Result<OutputPlan, AuditError> {
        crate::stdio::one_reader(&[
            ("--config", args.connect.config.as_deref()),
            (
                "--database-url-file",
                args.connect.database_url_file.as_deref(),
            ),
            ("--waivers", args.waivers.as_deref()),
            ("--compare", args.compare.compare.as_deref()),
            ("--targets", args.fleet.targets.as_deref()),
        ])
        .map_err(AuditError::Usage)?;
        let output = OutputPlan::from_args(&args.output);
        output.validate()?;
        crate::inputs::refuse_writing_over(&output.paths(), inputs)?;
        Ok(output)
    }

    /// The plan of `check` or `report` on one database: `connect` is the command line's, or
    /// a fleet target's (see `fleet`).
    pub fn with_connection(
        args: &CheckArgs,
        connect: &ConnectArgs,
        output: OutputPlan,
    ) -> Result<Self, AuditError> {
        let mut plan = CheckPlan::connecting(connect, Some(&args.select))?;
        let settings = &mut plan.settings;
        if let Some(path) = &args.waivers {
            settings.waivers = config::load_waivers(path, "--waivers")?;
        }
        if let Some(sample) = args.output.sample {
            settings.sample = sample;
        }
        if args.compare.fail_on_new {
            // New rows can only be told from known ones when every offending id is listed.
            settings.sample = crate::settings::SampleLimit::All;
        }
        plan.output = output;
        plan.allow_empty = args.allow_empty;
        Ok(plan)
    }
}

/// Every `[columns.<role>]` key must be a column the audit reads from that table: a typo there
/// would silently rename nothing.
fn check_column_names(settings: &AuditSettings) -> Result<(), AuditError> {
    for (role, canonical, _) in &settings.columns {
        let mut known = crate::checks::runner::columns_read_from(*role);
        let lifecycle = settings.vocabulary.session_status_column.as_str();
        known.extend(match role {
            TableRole::Bookings => vec!["start_time", "end_time", "is_deleted", "deleted_at"],
            TableRole::Sessions => vec![
                "start_time",
                "end_time",
                "duration",
                "max_participants",
                "current_participants",
                lifecycle,
            ],
            _ => vec![],
        });
        known.sort_unstable();
        known.dedup();
        if !known.contains(&canonical.as_str()) {
            return Err(AuditError::Usage(format!(
                "[columns.{}] names `{canonical}`, which session-audit does not read from that table; it reads {}",
                role.key(),
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// The files `check` or `report` with these arguments reads on the database `connect` names:
/// the database file (when the URL names one and parses), the config, the waivers and the URL
/// file.
pub fn inputs_of(args: &CheckArgs, connect: &ConnectArgs) -> Vec<PathBuf> {
    let url = database_url_quietly(connect).and_then(|raw| DatabaseUrl::parse(&raw).ok());
    crate::inputs::read_by_the_run(
        url.as_ref(),
        connect.config.as_deref(),
        true,
        &[
            args.waivers.as_deref(),
            connect.database_url_file.as_deref(),
            args.fleet.targets.as_deref(),
        ],
    )
}

/// The raw URL, if it can be had, without warnings or errors.
fn database_url_quietly(args: &ConnectArgs) -> Option<String> {
    match &args.database_url_file {
        Some(path) => crate::stdio::read_to_string(path)
            .ok()?
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_owned),
        None => args.database_url.clone(),
    }
}

/// `--only` and `--skip` replace the config's `enabled`; selecting nothing is an error.
fn select_checks(settings: &mut AuditSettings, select: &SelectArgs) -> Result<(), AuditError> {
    if !select.only.is_empty() {
        for (id, check) in settings.checks.iter_mut() {
            check.enabled = select.only.contains(id);
        }
    }
    for id in &select.skip {
        if let Some(check) = settings.checks.get_mut(id) {
            check.enabled = false;
        }
    }
    if settings.enabled_checks().is_empty() {
        return Err(AuditError::Usage(
            "no check is selected: --only, --skip and the config's `enabled` settings leave nothing to run".into(),
        ));
    }
    Ok(())
}

/// The URL from `--database-url-file`, `--database-url` or `DATABASE_URL`. A password typed
/// on the command line is visible to every user of the machine in `ps`: it works, with a
/// warning that names the safer ways.
fn database_url(args: &ConnectArgs) -> Result<String, AuditError> {
    if let Some(path) = &args.database_url_file {
        let text = crate::stdio::read_to_string(path).map_err(|e| AuditError::UrlFile {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        return text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| AuditError::UrlFile {
                path: path.clone(),
                reason: "it is empty".into(),
            });
    }
    let url = args.database_url.clone().ok_or(AuditError::NoDatabaseUrl)?;
    let from_environment = std::env::var("DATABASE_URL").is_ok_and(|env| env == url);
    if !from_environment
        && !args.url_from_targets_file
        && crate::db::credentials::has_password(&url)
    {
        crate::console::warning(
            "the password in --database-url is visible to other users of this machine (ps); pass the URL in DATABASE_URL or --database-url-file, or the password in PGPASSWORD or ~/.pgpass",
        );
    }
    Ok(url)
}

/// Defaults, then the config file, then the table-name flags: what every command that names
/// tables starts from (`check`, `sql`, `explain`).
pub fn table_settings(
    config_path: Option<&std::path::Path>,
    tables: &crate::cli::TableArgs,
) -> Result<AuditSettings, AuditError> {
    let mut settings = AuditSettings::default();
    if let Some((path, raw)) = config::load(config_path)? {
        raw.apply(&path, &mut settings)?;
    }
    for (flag, value, slot) in [
        (
            "--bookings-table",
            &tables.bookings_table,
            &mut settings.tables.bookings,
        ),
        (
            "--sessions-table",
            &tables.sessions_table,
            &mut settings.tables.sessions,
        ),
    ] {
        if let Some(name) = value {
            crate::settings::check_table_name(name)
                .map_err(|problem| AuditError::Usage(format!("{flag} {problem}")))?;
            *slot = name.clone();
        }
    }
    Ok(settings)
}
