//! What the tool says on the terminal besides the report: errors, warnings and, with `-v`,
//! its log. One place, so `--quiet` silences all of it and every line is one line (control
//! characters in quoted values escaped). Nothing printed here ever holds a password: callers
//! pass redacted URLs only.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::one_line;

static QUIET: AtomicBool = AtomicBool::new(false);

/// `--quiet`: the exit code is the whole answer; report files asked for are still written.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

pub fn error(message: &str) {
    if !quiet() {
        eprintln!("error: {}", one_line(message));
    }
}

pub fn warning(message: &str) {
    if !quiet() {
        eprintln!("warning: {}", one_line(message));
    }
}

/// A note for the person at the terminal (how to go on after the demo, where a file went).
pub fn note(message: &str) {
    if !quiet() {
        eprintln!("{message}");
    }
}

/// `-v`: each step and each check with its time; `-vv`: also every query's SQL. On stderr,
/// so the report on stdout stays machine-readable.
/// Writes generated text to stdout. A reader that stops early (`| head`) or a closed stdout is
/// not an error: the command ends quietly, as ripgrep and coreutils do; anything else is.
pub fn print(text: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

pub fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => tracing::Level::INFO,
        _ => tracing::Level::DEBUG,
    };
    let stderr = std::io::stderr();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .with_timer(tracing_subscriber::fmt::time::Uptime::default())
        .with_ansi(stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .init();
}
