//! The reports folder of `session-audit report`: timestamped JSON, CSV and HTML reports, the
//! history index, and retention.
//!
//! The JSON reports are the record; `history.json` is an index rebuilt from them on every run
//! and replaced atomically, so an interrupted run (or a report deleted by hand) can never leave
//! it out of step for longer than the next run. A report file that cannot be read (written by
//! something else, cut short by a full disk) is left alone and named in a warning.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::atomic::write_atomically;
use crate::error::AuditError;
use crate::history::{HistoryEntry, KeyMetrics};
use crate::render::{Format, RenderOptions, render};
use crate::report::{Fingerprint, Report};

const PREFIX: &str = "session-audit-";
pub const HISTORY: &str = "history.json";
/// Every report in the folder, newest first, whichever database it is of.
pub const INDEX: &str = "index.html";
/// The page of the newest report, at a name that never changes (a bookmark, a dashboard link).
pub const LATEST: &str = "latest.html";

/// The stamps of the JSON reports in `dir`, oldest first (stamps sort as times).
fn stamps(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut stamps: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_prefix(PREFIX)
                    .and_then(|rest| rest.strip_suffix(".json"))
                    .map(str::to_owned)
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    stamps.sort();
    Ok(stamps)
}

fn file(dir: &Path, stamp: &str, extension: &str) -> PathBuf {
    dir.join(format!("{PREFIX}{stamp}.{extension}"))
}

/// The newest report in `dir` of this database whose audit ran (one that stopped at a
/// connection error has no checks to compare with), to compare with. A folder shared by
/// several databases' audits is read per database: the others' reports are passed over, and
/// a warning says so when a newer one was.
pub fn latest(dir: &Path, database: &Fingerprint) -> Option<PathBuf> {
    let stamps = stamps(dir).ok()?;
    let mut passed_over = 0;
    let found = stamps
        .iter()
        .rev()
        .map(|stamp| file(dir, stamp, "json"))
        .find(|path| {
            let Some(report) = std::fs::read_to_string(path)
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            else {
                return false;
            };
            if !database.matches(&report) {
                passed_over += 1;
                return false;
            }
            report.get("error").is_none()
        });
    if passed_over > 0 {
        crate::console::warning(&format!(
            "{passed_over} newer report(s) in {} are of another database; comparing with the latest of {} only",
            dir.display(),
            database.describe()
        ));
    }
    found
}

/// A stamp for `at` that no report in `dir` has yet.
fn new_stamp(dir: &Path, at: DateTime<Utc>) -> std::io::Result<String> {
    let taken = stamps(dir)?;
    let base = at.format("%Y%m%dT%H%M%SZ").to_string();
    let mut stamp = base.clone();
    let mut n = 2;
    while taken.contains(&stamp) {
        stamp = format!("{base}-{n}");
        n += 1;
    }
    Ok(stamp)
}

/// The history of one database: every readable JSON report in `dir` of it, oldest first, and
/// a warning for each report that could not be read. Reports of other databases in the same
/// folder are left out (their numbers would make a false trend).
pub fn history(
    dir: &Path,
    database: Option<&Fingerprint>,
) -> std::io::Result<(Vec<HistoryEntry>, Vec<String>)> {
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    for stamp in stamps(dir)? {
        let path = file(dir, &stamp, "json");
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<Value>(&text).map_err(|e| e.to_string()));
        match parsed {
            Ok(report) if database.is_some_and(|d| !d.matches(&report)) => {}
            Ok(report) => entries.push(HistoryEntry {
                generated_at: report["generated_at"].as_str().map(str::to_owned),
                verdict: report["verdict"].as_str().map(str::to_owned),
                json: format!("{PREFIX}{stamp}.json"),
                csv: format!("{PREFIX}{stamp}.csv"),
                html: format!("{PREFIX}{stamp}.html"),
                key: KeyMetrics::of(&report),
                database: Fingerprint::of_report(&report).map(|f| f.describe()),
                stamp,
            }),
            Err(e) => warnings.push(format!(
                "{} is not a readable report ({e}); it is left out of the history",
                path.display()
            )),
        }
    }
    Ok((entries, warnings))
}

/// What one `report` run wrote.
pub struct Saved {
    pub json: PathBuf,
    pub csv: PathBuf,
    pub html: PathBuf,
    pub removed: usize,
}

/// Writes the report's JSON, CSV and HTML into `dir` (created when missing), keeps the newest
/// `keep`, and rebuilds the history index. Each file is written atomically.
pub fn save(dir: &Path, report: &Report, keep: Option<u32>) -> Result<Saved, AuditError> {
    let fail = |source: std::io::Error| AuditError::Output {
        path: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let stamp = new_stamp(dir, report.generated_at).map_err(fail)?;
    let (json, csv, html) = (
        file(dir, &stamp, "json"),
        file(dir, &stamp, "csv"),
        file(dir, &stamp, "html"),
    );
    let options = RenderOptions::default();
    write_atomically(&json, |w| render(Format::Json, w, report, &options))?;
    write_atomically(&csv, |w| render(Format::Csv, w, report, &options))?;
    // Retention first, so the saved reports are read once and the page's chart shows the
    // same reports as the index.
    let mut removed = 0;
    if let Some(keep) = keep {
        let all = stamps(dir).map_err(fail)?;
        let excess = all.len().saturating_sub(keep as usize);
        for old in &all[..excess] {
            for extension in ["json", "csv", "html"] {
                match std::fs::remove_file(file(dir, old, extension)) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(fail(e)),
                }
            }
            removed += 1;
        }
    }
    let (entries, warnings) = history(dir, report.fingerprint.as_ref()).map_err(fail)?;
    for warning in &warnings {
        crate::console::warning(warning);
    }
    let with_history = Report {
        history: entries.clone(),
        ..report.clone()
    };
    write_atomically(&html, |w| render(Format::Html, w, &with_history, &options))?;
    write_atomically(&dir.join(LATEST), |w| {
        render(Format::Html, w, &with_history, &options)
    })?;
    let (everything, _) = history(dir, None).map_err(fail)?;
    write_atomically(&dir.join(INDEX), |w| {
        crate::render::index_page(w, &everything)
    })?;
    write_atomically(&dir.join(HISTORY), |w| {
        serde_json::to_writer_pretty(&mut *w, &entries)?;
        writeln!(w)
    })?;
    Ok(Saved {
        json,
        csv,
        html,
        removed,
    })
}
