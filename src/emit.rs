//! A finished report, written everywhere it was asked for: the main output (stdout or
//! `--output`), each further file, the error lines and GitHub annotations on stderr. Renders,
//! never queries.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::cli::{AnnotationChoice, ColorChoice, LookArgs};
use crate::console;
use crate::error::AuditError;
use crate::plan::OutputPlan;
use crate::render::{Format, RenderOptions, render};
use crate::report::{Report, Status};

/// Prints the errors on stderr (one line each) and writes the report everywhere it was asked
/// for: the main output, then each further file. A file that cannot be written does not stop
/// the others; the first such error is returned (exit 2).
pub fn emit(report: &Report, output: &OutputPlan) -> Result<(), AuditError> {
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
pub fn emit_stopped(error: &AuditError, redacted_url: &str, output: &OutputPlan) {
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
fn stdout_options(look: &LookArgs, terminal: bool) -> RenderOptions {
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
fn file_options(look: &LookArgs) -> RenderOptions {
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
