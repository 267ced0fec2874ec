//! The errors that stop an audit before it can give a verdict, written for the person who must
//! fix them: each message names the failing thing and the way out.
//!
//! Only `main` turns these into an exit code (always 2: "could not be evaluated"). Errors
//! inside one check do not stop the audit; they become that check's `error` status instead
//! (see `checks::runner`).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(
        "no database given: pass --database-url URL, --database-url-file PATH or set DATABASE_URL (postgres://…, mysql://…, sqlite:///PATH or a file path)"
    )]
    NoDatabaseUrl,

    #[error("unsupported database URL {url}: {reason}")]
    UnsupportedUrl { url: String, reason: String },

    #[error("invalid database URL {url}: {reason}")]
    InvalidUrl { url: String, reason: String },

    #[error(
        "SQLite database {path} does not exist; session-audit never creates databases: check the path (or run `session-audit demo` for a demo database)"
    )]
    SqliteMissing { path: PathBuf },

    #[error("{path} is {reason}, not a SQLite database; check the path")]
    NotSqlite { path: PathBuf, reason: String },

    #[error("cannot open SQLite database {path}: {reason}")]
    SqliteOpen { path: PathBuf, reason: String },

    #[error("cannot connect to {backend} at {url}: {reason}")]
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    Connect {
        backend: &'static str,
        url: String,
        reason: String,
    },

    #[error("cannot start the read-only snapshot on {url}: {reason}")]
    Snapshot { url: String, reason: String },

    #[error("cannot read the schema of {url}: {reason}")]
    Schema { url: String, reason: String },

    #[error("cannot write {path}: {source}; check that the directory exists and is writable")]
    Output {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot write the report: {0}")]
    Write(#[source] std::io::Error),

    #[error(
        "{path} exists and is not a session-audit demo database; refusing to overwrite it: pass another path"
    )]
    DemoWouldOverwrite { path: PathBuf },

    #[error("cannot create the demo database {path}: {reason}")]
    Demo { path: PathBuf, reason: String },

    #[error(
        "interrupted by {signal} before the audit finished: nothing was verified and no report file was left half-written; run it again"
    )]
    Interrupted { signal: &'static str },

    #[error("cannot read the database URL from {path}: {reason}; check --database-url-file")]
    UrlFile { path: PathBuf, reason: String },

    #[error(
        "cannot compare with {path}: {reason}; give --compare a JSON report written by session-audit"
    )]
    Compare { path: PathBuf, reason: String },

    #[error("invalid option: {0}")]
    Usage(String),

    #[error("the config's [columns] do not match the database: {0}")]
    Columns(String),

    #[error("fix-sql wrote no script: {0}")]
    FixCannot(String),

    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),

    #[error(
        "{output} would be written over {input}, which this run reads; give the output another path"
    )]
    OutputIsAnInput { output: PathBuf, input: PathBuf },

    #[error("{path} exists; pass --force to replace it, or another path")]
    WouldOverwrite { path: PathBuf },
}

/// `text` with control characters escaped (`\n` for a newline), so that a message quoting a
/// value from a file, a URL or the database stays one line on stderr. Every error line the
/// tool prints goes through it.
pub fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
