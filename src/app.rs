//! The commands, from a parsed command line to an exit code.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::audit::audit;
use crate::cli::{
    AnnotationChoice, CheckArgs, Cli, ColorChoice, Command, DemoArgs, InitArgs, ReportArgs,
};
use crate::console;
use crate::db::{DatabaseUrl, SnapshotOptions};
use crate::demo;
use crate::error::AuditError;
use crate::plan::{CheckPlan, OutputPlan};
use crate::render::{Format, RenderOptions, render};
use crate::report::{Report, Status, Verdict};
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
        Command::Man => {
            use clap::CommandFactory;
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => print_bytes(&page),
                Err(e) => Err(AuditError::Write(e)),
            }
        }
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
            .map(crate::db::url::redact)
            .unwrap_or_default();
        // An output that is an input gets not even the error report.
        let outputs = OutputPlan::from_args(&args.output).without(&crate::plan::inputs_of(args));
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
    let audit = audit(
        &plan.url,
        plan.options,
        plan.jobs,
        &plan.settings,
        &plan.checks,
    );
    let mut audit = Box::pin(audit);
    let mut report = tokio::select! {
        report = &mut audit => report,
        signal = interrupted() => {
            // Nothing has been written yet. The audit is forgotten, not dropped: a SQLite
            // statement cannot be interrupted, and dropping diesel-async's handle to it would
            // wait for it to end. The process exits right after, which ends the statement and
            // closes every connection (the servers roll back the read-only transactions).
            std::mem::forget(audit);
            // A server does not notice a closed client while its statement waits or works:
            // cancel there what the audit left running, waiting two seconds at most.
            #[cfg(any(feature = "postgres", feature = "mysql"))]
            crate::db::cancel::cancel_everything(std::time::Duration::from_secs(2)).await;
            let e = AuditError::Interrupted { signal };
            emit_stopped(&e, &plan.url.redacted, &plan.output);
            return Err(e);
        }
    };
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
    Ok(report)
}

/// Resolves when the user presses Ctrl-C (SIGINT) or a CI runner cancels the job (SIGTERM),
/// with the signal's name. The report is written after the audit in one synchronous step, so
/// an interruption always lands before it: a report file is either whole or absent.
async fn interrupted() -> &'static str {
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

/// Prints the errors on stderr (one line each) and writes the report everywhere it was asked
/// for: the main output, then each further file. A file that cannot be written does not stop
/// the others; the first such error is returned (exit 2).
fn emit(report: &Report, output: &OutputPlan) -> Result<(), AuditError> {
    if let Some(error) = &report.error {
        console::error(error);
    }
    // One line per distinct problem, naming the checks it stopped: a missing table stops
    // every check that reads it, and the operator needs to read that once, not ten times.
    let mut problems: Vec<(&str, Vec<&str>)> = Vec::new();
    for check in report.checks.iter().filter(|c| c.status == Status::Error) {
        match problems.iter_mut().find(|(s, _)| *s == check.summary) {
            Some((_, ids)) => ids.push(check.id.as_str()),
            None => problems.push((&check.summary, vec![check.id.as_str()])),
        }
    }
    for (summary, ids) in problems {
        let which = if ids.len() == 1 {
            format!("check {}", ids[0])
        } else {
            format!("checks {}", ids.join(", "))
        };
        console::error(&format!("{which}: {summary}"));
    }
    annotate(report, output);
    let mut first_error = None;
    let main_wanted =
        !(report.error.is_some() && output.path.is_none() && output.format == Format::Table);
    if main_wanted
        && let Err(e) = write_report(report, output.format, output.path.as_deref(), output)
    {
        first_error.get_or_insert(e);
    }
    for (format, path) in &output.files {
        if let Err(e) = write_report(report, *format, Some(path), output) {
            first_error.get_or_insert(e);
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The audit stopped before it had a report: machine readers that asked for one get one that
/// says `error` (a terminal gets the error line only).
fn emit_stopped(error: &AuditError, redacted_url: &str, output: &OutputPlan) {
    let mut report = Report::new(None, redacted_url.to_owned());
    report.error = Some(error.to_string());
    annotate(&report, output);
    let main = (output.format != Format::Table).then_some((output.format, output.path.as_deref()));
    let files = output
        .files
        .iter()
        .map(|(format, path)| (*format, Some(path.as_path())));
    for (format, path) in main.into_iter().chain(files) {
        if let Err(e) = write_report(&report, format, path, output) {
            console::error(&e.to_string());
        }
    }
}

/// GitHub Actions annotations on stderr, when asked for or when running in GitHub Actions
/// (`--quiet` silences them with everything else).
fn annotate(report: &Report, output: &OutputPlan) {
    let wanted = match output.look.annotations {
        AnnotationChoice::Github => true,
        AnnotationChoice::None => false,
        AnnotationChoice::Auto => std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
    };
    if wanted && !console::quiet() {
        let mut stderr = std::io::stderr().lock();
        // Annotations are a courtesy: a closed stderr must not change the exit code.
        let _ = crate::render::annotations::render(&mut stderr, report);
    }
}

/// How a report written to stdout looks: the terminal's width unless `--width` (or, on a pipe,
/// `COLUMNS`) says otherwise; colour as `--color` says, `NO_COLOR` ruling `auto`.
fn stdout_options(look: &crate::cli::LookArgs, terminal: bool) -> RenderOptions {
    let columns = || {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|c| *c >= 40)
    };
    RenderOptions {
        terminal,
        color: match look.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
        },
        width: look.width.or_else(|| (!terminal).then(columns).flatten()),
    }
}

/// Options for a report file: plain and deterministic, but as wide and as coloured as asked.
fn file_options(look: &crate::cli::LookArgs) -> RenderOptions {
    RenderOptions {
        terminal: false,
        color: look.color == ColorChoice::Always,
        width: look.width,
    }
}

fn write_report(
    report: &Report,
    format: Format,
    path: Option<&Path>,
    output: &OutputPlan,
) -> Result<(), AuditError> {
    match path {
        Some(path) if !crate::stdio::is_dash(path) => crate::atomic::write_atomically(path, |w| {
            render(format, w, report, &file_options(&output.look))
        }),
        // --quiet: the exit code is the answer (unless a report was asked for on stdout, as
        // `--json -`; the plan made sure nothing else writes there).
        None if console::quiet() => Ok(()),
        _ => {
            let stdout = std::io::stdout();
            let options = stdout_options(&output.look, stdout.is_terminal());
            let mut lock = stdout.lock();
            let written = render(format, &mut lock, report, &options).and_then(|()| lock.flush());
            match written {
                // `| head` closed the pipe: the reader has what it wanted.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(AuditError::Write),
            }
        }
    }
}
