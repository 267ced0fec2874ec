//! session-audit: audits a Django booking database against the ServiceSession migration.

mod app;
mod atomic;
mod audit;
mod checks;
mod cli;
mod client_script;
mod compare;
mod comparison;
mod config;
mod console;
mod db;
mod demo;
mod discover;
mod emit;
mod error;
mod fix;
mod fleet;
#[cfg(test)]
mod fuzz;
mod history;
mod inputs;
mod inspect;
mod manual;
mod plan;
mod preview;
mod progress;
mod queries;
mod render;
mod report;
mod reports;
mod settings;
mod spool;
mod sql;
mod stdio;
mod time;
mod vocab;
mod wire;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Usage errors exit with 2 from here, as the exit-code contract says.
    let cli = cli::Cli::parse();
    console::set_quiet(cli.quiet);
    console::init_logging(cli.verbose);
    let mut builder = tokio::runtime::Builder::new_current_thread();
    // Each thread that runs SQLite queries gets its own malloc arena, which keeps the pages it
    // freed: with tokio's spare threads the two connections of a SQLite audit spread over
    // three or more arenas. One thread per connection: on the 1M file 24-27 MiB instead of
    // 25-37 MiB with libsqlite3-sys' default build; with .cargo/config.toml's it is about
    // 20 MiB either way, so this guards builds made without that file (docs/performance.md).
    if let Some(threads) = cli.blocking_threads() {
        builder.max_blocking_threads(threads);
    }
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            console::error(&format!("cannot start the async runtime: {e}"));
            return ExitCode::from(report::Verdict::Error.exit_code());
        }
    };
    let code = runtime.block_on(app::run(cli));
    // A query abandoned at its time limit may still hold a blocking thread (SQLite): do not
    // wait for it, the answer is already given.
    runtime.shutdown_background();
    ExitCode::from(code)
}
