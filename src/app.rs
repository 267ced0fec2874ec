//! The commands, from a parsed command line to an exit code.

use crate::audit::audit;
use crate::cli::{CheckArgs, Cli, Command, DemoArgs, InitArgs, ReportArgs};
use crate::console;
use crate::db::{DatabaseUrl, SnapshotOptions};
use crate::demo;
use crate::emit::{emit, emit_stopped};
use crate::error::AuditError;
use crate::plan::{CheckPlan, OutputPlan};
use crate::report::{Report, Verdict};
use crate::settings::AuditSettings;

/// Runs one command and returns the process exit code.
pub async fn run(cli: Cli) -> u8 {
    let outcome = match cli.command {
        Command::Check(args) => check(&args).await,
        Command::Demo(args) => demo(&args).await,
        Command::Init(args) => init(&args).await,
        Command::Report(args) => report(&args).await,
        Command::Sql(args) => crate::inspect::sql(&args),
        Command::FixSql(args) => fix_sql(&args).await,
        Command::Explain(args) => crate::inspect::explain(&args).await,
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "session-audit", &mut script);
            print_bytes(&script)
        }
        Command::Man(args) => {
            let mut page = Vec::new();
            match crate::manual::man(&args, &mut page) {
                Ok(Some(wrote)) => {
                    console::note(&wrote);
                    Ok(0)
                }
                Ok(None) => print_bytes(&page),
                Err(e) => Err(e),
            }
        }
        Command::Schema => print_bytes(crate::manual::REPORT_SCHEMA.as_bytes()),
        Command::ExplainCheck { id } => print_bytes(id.doc().as_bytes()),
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            console::error(&e.to_string());
            Verdict::Error.exit_code()
        }
    }
}

async fn check(args: &CheckArgs) -> Result<u8, AuditError> {
    if args.fleet.targets.is_some() {
        return crate::fleet::run(args, None).await;
    }
    let (plan, previous) = prepare(args, |_| None)?;
    if args.compare.fail_on_new && previous.is_none() {
        let e = AuditError::Usage(
            "--fail-on-new needs an earlier report to compare with; add --compare REPORT.json"
                .into(),
        );
        emit_stopped(&e, &plan.url.redacted, &plan.output);
        return Err(e);
    }
    let report = audited(&plan, previous, args.compare.fail_on_new).await?;
    emit(&report, &plan.output)?;
    Ok(report.verdict().exit_code())
}

/// `fix-sql`: the remediation script, printed or written (atomically) to `--output`.
async fn fix_sql(args: &crate::cli::FixArgs) -> Result<u8, AuditError> {
    let (plan, script) = crate::fix::script(args).await?;
    match plan
        .output
        .path
        .as_ref()
        .filter(|p| !crate::stdio::is_dash(p))
    {
        Some(path) => {
            crate::atomic::write_atomically(path, |w| w.write_all(script.as_bytes()))?;
            console::note(&format!(
                "wrote {}; review it before running it",
                path.display()
            ));
            Ok(0)
        }
        None => print_bytes(script.as_bytes()),
    }
}

/// Generated text to stdout; a reader that stops early (`| head`) is not an error.
fn print_bytes(bytes: &[u8]) -> Result<u8, AuditError> {
    console::print(bytes).map_err(AuditError::Write)?;
    Ok(0)
}

/// `report`: audit, save the JSON, CSV and HTML reports in the folder with the history, and
/// print the main output as `check` does. Compares with the latest report there by default.
async fn report(args: &ReportArgs) -> Result<u8, AuditError> {
    if args.check.fleet.targets.is_some() {
        let folder = crate::fleet::Folder {
            dir: &args.dir,
            keep: args.keep,
            compare: !args.no_compare,
        };
        return crate::fleet::run(&args.check, Some(folder)).await;
    }
    let (plan, previous) = prepare(&args.check, |plan| {
        let database = crate::audit::fingerprint(&plan.url, &plan.settings);
        (!args.no_compare)
            .then(|| crate::reports::latest(&args.dir, &database))
            .flatten()
    })?;
    if args.check.compare.fail_on_new && previous.is_none() {
        console::warning(
            "--fail-on-new: there is no earlier report to compare with, so every failure counts",
        );
    }
    let report = audited(&plan, previous, args.check.compare.fail_on_new).await?;
    let saved = crate::reports::save(&args.dir, &report, args.keep)?;
    let removed = if saved.removed > 0 {
        format!("; removed the {} oldest", saved.removed)
    } else {
        String::new()
    };
    console::note(&format!(
        "saved {}, {} and {}{removed}",
        saved.json.display(),
        saved.csv.display(),
        saved.html.display()
    ));
    emit(&report, &plan.output)?;
    Ok(report.verdict().exit_code())
}

/// The validated plan and the earlier report to compare with (`--compare`, else `fallback`),
/// both read before connecting, so a mistake in either costs no connection. A machine reader
/// that asked for a report gets one that says `error`.
fn prepare(
    args: &CheckArgs,
    fallback: impl FnOnce(&CheckPlan) -> Option<std::path::PathBuf>,
) -> Result<(CheckPlan, Option<(std::path::PathBuf, serde_json::Value)>), AuditError> {
    let stopped = |e: AuditError| {
        let url = args
            .connect
            .database_url
            .as_deref()
            .map(crate::db::redact::redact)
            .unwrap_or_default();
        // An output that is an input gets not even the error report.
        let outputs = OutputPlan::from_args(&args.output)
            .without(&crate::plan::inputs_of(args, &args.connect));
        emit_stopped(&e, &url, &outputs);
        e
    };
    let plan = CheckPlan::from_args(args).map_err(stopped)?;
    let previous = match args.compare.compare.clone().or_else(|| fallback(&plan)) {
        Some(path) => {
            let value = crate::compare::read_previous(&path).map_err(stopped)?;
            Some((path, value))
        }
        None => None,
    };
    Ok((plan, previous))
}

/// Runs the audit (or stops at Ctrl-C/SIGTERM, see [`interrupted`]) and attaches the
/// comparison with the earlier report.
async fn audited(
    plan: &CheckPlan,
    previous: Option<(std::path::PathBuf, serde_json::Value)>,
    fail_on_new: bool,
) -> Result<Report, AuditError> {
    let mut audit = Box::pin(audit_and_compare(plan, previous, fail_on_new));
    tokio::select! {
        report = &mut audit => Ok(report),
        signal = interrupted() => Err(stop_at_signal(audit, signal, &plan.url.redacted, &plan.output).await),
    }
}

/// What an interrupted audit does: nothing has been written yet. The audit is forgotten, not
/// dropped: a SQLite statement cannot be interrupted, and dropping diesel-async's handle to it
/// would wait for it to end. The process exits right after, which ends the statement and
/// closes every connection (the servers roll back the read-only transactions).
pub(crate) async fn stop_at_signal<F>(
    work: F,
    signal: &'static str,
    label: &str,
    output: &OutputPlan,
) -> AuditError {
    std::mem::forget(work);
    // A server does not notice a closed client while its statement waits or works: cancel
    // there what the audit left running, waiting two seconds at most.
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    crate::db::cancel::cancel_everything(std::time::Duration::from_secs(2)).await;
    let e = AuditError::Interrupted { signal };
    emit_stopped(&e, label, output);
    e
}

/// The audit of one database, refused when it evaluated nothing, with the comparison with the
/// earlier report (when it is of the same database) attached.
pub(crate) async fn audit_and_compare(
    plan: &CheckPlan,
    previous: Option<(std::path::PathBuf, serde_json::Value)>,
    fail_on_new: bool,
) -> Report {
    let mut report = audit(
        &plan.url,
        plan.options,
        plan.jobs,
        &plan.settings,
        &plan.checks,
    )
    .await;
    report.refuse_nothing_evaluated(plan.allow_empty);
    let previous = previous.filter(|(path, value)| {
        let same = report.fingerprint.as_ref().is_none_or(|f| f.matches(value));
        if !same {
            let theirs = crate::report::Fingerprint::of_report(value)
                .map_or_else(String::new, |f| format!(" ({})", f.describe()));
            console::warning(&format!(
                "{} is a report of another database{theirs}; nothing is compared (compare reports of one database)",
                path.display()
            ));
        }
        same
    });
    if let Some((path, value)) = previous
        && report.error.is_none()
    {
        let now = crate::wire::to_value(&report).unwrap_or(serde_json::Value::Null);
        report.comparison = Some(crate::compare::compare(&value, &path, &now));
        if fail_on_new {
            crate::compare::fail_only_on_new(&mut report);
        }
    }
    report
}

/// Resolves when the user presses Ctrl-C (SIGINT) or a CI runner cancels the job (SIGTERM),
/// with the signal's name. The report is written after the audit in one synchronous step, so
/// an interruption always lands before it: a report file is either whole or absent.
pub(crate) async fn interrupted() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut int), Ok(mut term)) => tokio::select! {
                _ = int.recv() => "Ctrl-C (SIGINT)",
                _ = term.recv() => "SIGTERM",
            },
            // Without signal handlers the default action (termination) still applies.
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    {
        match tokio::signal::ctrl_c().await {
            Ok(()) => "Ctrl-C",
            Err(_) => std::future::pending().await,
        }
    }
}

async fn demo(args: &DemoArgs) -> Result<u8, AuditError> {
    demo::write(&args.path)?;
    let url = DatabaseUrl::parse(&args.path.to_string_lossy())?;
    let mut settings = AuditSettings::default();
    if let Some(sample) = args.output.sample {
        settings.sample = sample;
    }
    let report = audit(
        &url,
        SnapshotOptions::default(),
        1,
        &settings,
        &settings.enabled_checks(),
    )
    .await;
    let output = OutputPlan::from_args(&args.output);
    emit(&report, &output)?;
    let verdict = report.verdict();
    if verdict == Verdict::Error {
        return Ok(verdict.exit_code());
    }
    // The demo has defects on purpose: finding them is the demo working, so it exits 0.
    console::note(&format!(
        "\nThe demo database {} has defects on purpose. Audit it yourself with:\n  session-audit check --database-url {}\n(exit code {} there: {})",
        args.path.display(),
        args.path.display(),
        verdict.exit_code(),
        verdict.as_str()
    ));
    Ok(0)
}

async fn init(args: &InitArgs) -> Result<u8, AuditError> {
    let to_stdout = args.path.as_os_str() == "-";
    if !to_stdout && args.path.exists() && !args.force {
        return Err(AuditError::WouldOverwrite {
            path: args.path.clone(),
        });
    }
    if !to_stdout && let Some(raw) = &args.database_url {
        // `init --database-url db.sqlite3 db.sqlite3 --force` must not replace the database.
        if let Ok(url) = DatabaseUrl::parse(raw) {
            // The config it replaces with --force is its to replace.
            let inputs = crate::inputs::read_by_the_run(
                Some(&url),
                None,
                false,
                &[args.database_url_file.as_deref()],
            );
            crate::inputs::refuse_writing_over(&[&args.path], &inputs)?;
        }
    }
    let text = if args.database_url.is_some() || args.database_url_file.is_some() {
        let connect = crate::cli::ConnectArgs::for_url(
            args.database_url.clone(),
            args.database_url_file.clone(),
        );
        crate::discover::config_for(&connect).await?
    } else {
        crate::config::default_config_text()
    };
    if to_stdout {
        return print_bytes(text.as_bytes());
    }
    crate::atomic::write_atomically(&args.path, |w| w.write_all(text.as_bytes()))?;
    console::note(&format!(
        "wrote {}; edit it, then run `session-audit check` in this directory",
        args.path.display()
    ));
    Ok(0)
}
