//! Reference pages the binary carries: the man pages (the tool's and each subcommand's, from
//! the clap definitions, so they never drift from `--help`) and the JSON Schema of the report.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::error::AuditError;

/// The JSON report's schema (draft 2020-12), kept in docs/ beside its prose description; the
/// tests validate every report they read against it.
pub const REPORT_SCHEMA: &str = include_str!("../docs/report.schema.json");

/// The finished command tree: display names (`session-audit-check`) are set by `build`.
fn command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// `man`, `man SUBCOMMAND` or `man --dir DIR`.
pub fn man(args: &ManArgs, out: &mut dyn Write) -> Result<Option<String>, AuditError> {
    let cmd = command();
    if let Some(dir) = &args.dir {
        let failed = |source| AuditError::Output {
            path: dir.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(failed)?;
        clap_mangen::generate_to(cmd.clone(), dir).map_err(failed)?;
        let pages = 1 + cmd.get_subcommands().count();
        return Ok(Some(format!(
            "wrote {pages} man pages to {}",
            dir.display()
        )));
    }
    let page = match &args.subcommand {
        None => cmd,
        Some(name) => cmd.find_subcommand(name).cloned().ok_or_else(|| {
            let names: Vec<&str> = cmd.get_subcommands().map(clap::Command::get_name).collect();
            AuditError::Usage(format!(
                "there is no subcommand `{}`; man pages exist for: {}",
                crate::error::one_line(name),
                names.join(", ")
            ))
        })?,
    };
    clap_mangen::Man::new(page)
        .render(out)
        .map_err(AuditError::Write)?;
    Ok(None)
}
