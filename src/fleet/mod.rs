//! A fleet audit (`check --targets targets.toml`): every database the targets file names,
//! audited concurrently (at most `--parallel` at once), each on its own read-only snapshot
//! exactly as `check` audits one, into one combined report with one exit code, the worst.
//!
//! A target that cannot be planned or reached is an error in its own part of the report; the
//! others are still audited. `report --targets` keeps each target's history in its own folder
//! (`DIR/<name>/`) and the latest combined report beside them (`DIR/fleet.json`, `.html`).

pub mod rollup;
pub mod targets;

use std::path::{Path, PathBuf};
use std::time::Instant;

use futures_util::StreamExt;

use crate::cli::{CheckArgs, ConnectArgs};
use crate::console;
use crate::emit::{emit, emit_stopped};
use crate::error::AuditError;
use crate::plan::{CheckPlan, OutputPlan};
use crate::render::{Format, RenderOptions, render};
use crate::report::{Report, TargetReport};
use crate::vocab::CheckId;
use targets::{Target, UrlSource};

/// `report --targets`: where the targets' histories are kept.
pub struct Folder<'a> {
    pub dir: &'a Path,
    pub keep: Option<u32>,
    /// Compare each target with the latest report in its folder (not `--no-compare`).
    pub compare: bool,
}

/// The combined report's JSON and HTML in the reports folder, replaced on every run.
pub const FLEET_JSON: &str = "fleet.json";
pub const FLEET_HTML: &str = "fleet.html";

/// One database of the fleet, planned: its plan, or why it has none (a broken config, an
/// unreadable URL file), which is that target's error.
struct TargetPlan {
    name: String,
    label: String,
    plan: Result<CheckPlan, AuditError>,
}

/// Runs `check` (or `report`, with a folder) over the targets file and returns the exit code.
pub async fn run(args: &CheckArgs, folder: Option<Folder<'_>>) -> Result<u8, AuditError> {
    let source = args.fleet.targets.clone().unwrap_or_default();
    let label = source.display().to_string();
    let stopped = |e: AuditError| {
        let outputs = OutputPlan::from_args(&args.output).without(std::slice::from_ref(&source));
        emit_stopped(&e, &label, &outputs);
        e
    };
    refuse_one_database_flags(args).map_err(stopped)?;
    let targets = targets::load(&source).map_err(|e| stopped(e.into()))?;
    let connects: Vec<ConnectArgs> = targets.iter().map(|t| connect_of(args, t)).collect();
    let mut inputs = vec![source.clone()];
    for connect in &connects {
        inputs.extend(crate::plan::inputs_of(args, connect));
    }
    let output = CheckPlan::outputs(args, &inputs).map_err(stopped)?;
    let plans: Vec<TargetPlan> = targets
        .iter()
        .zip(&connects)
        .map(|(target, connect)| {
            let plan = CheckPlan::with_connection(args, connect, output.clone());
            TargetPlan {
                name: target.name.clone(),
                label: match (&plan, &target.url) {
                    (Ok(plan), _) => plan.url.redacted.clone(),
                    (Err(_), UrlSource::Url(url)) => crate::db::redact::redact(url),
                    (Err(_), UrlSource::File(path)) => path.display().to_string(),
                },
                plan,
            }
        })
        .collect();
    let checks = checks_of(args, &plans);
    let generated_at = chrono::Utc::now();
    let started = Instant::now();
    let parallel = usize::from(args.fleet.parallel);
    let work = futures_util::stream::iter(&plans)
        .map(|target| audit_target(target, folder.as_ref(), args.compare.fail_on_new))
        .buffered(parallel)
        .collect::<Vec<TargetReport>>();
    let mut work = Box::pin(work);
    let reports = tokio::select! {
        reports = &mut work => reports,
        signal = crate::app::interrupted() => {
            return Err(crate::app::stop_at_signal(work, signal, &label, &output).await);
        }
    };
    let combined = rollup::combine(&label, &checks, reports, generated_at, started.elapsed());
    if let Some(folder) = &folder {
        save(folder, &combined)?;
    }
    for target in &combined.targets {
        if let Some(error) = &target.report.error {
            console::error(&format!("target {}: {error}", target.name));
        }
    }
    emit(&combined, &output)?;
    Ok(combined.verdict().exit_code())
}

/// The flags that name one database's inputs have no meaning for a fleet: each target brings
/// its own URL (and its config its own waivers), and `report` compares each target with its
/// own history.
fn refuse_one_database_flags(args: &CheckArgs) -> Result<(), AuditError> {
    // DATABASE_URL in the environment fills --database-url; only a typed one is refused.
    let typed_url = args.connect.database_url.is_some()
        && std::env::var("DATABASE_URL").ok() != args.connect.database_url;
    let refused = [
        (
            typed_url,
            "--database-url",
            "each target has its url or url_file",
        ),
        (
            args.connect.database_url_file.is_some(),
            "--database-url-file",
            "each target has its url or url_file",
        ),
        (
            args.waivers.is_some(),
            "--waivers",
            "name each target's waivers file in its config ([waivers] file = ...)",
        ),
        (
            args.compare.compare.is_some(),
            "--compare",
            "use `report --targets`, which compares each target with its own history",
        ),
        (
            args.compare.fail_on_new,
            "--fail-on-new",
            "it needs one earlier report of one database",
        ),
    ];
    match refused.iter().find(|(given, _, _)| *given) {
        Some((_, flag, why)) => Err(AuditError::Usage(format!(
            "{flag} cannot be used with --targets, which names the databases: drop it ({why})"
        ))),
        None => Ok(()),
    }
}

/// The command line's connection settings with the target's URL and config in place.
fn connect_of(args: &CheckArgs, target: &Target) -> ConnectArgs {
    let mut connect = args.connect.clone();
    (connect.database_url, connect.database_url_file) = match &target.url {
        UrlSource::Url(url) => (Some(url.clone()), None),
        UrlSource::File(path) => (None, Some(path.clone())),
    };
    connect.url_from_targets_file = true;
    if let Some(config) = &target.config {
        connect.config = Some(config.clone());
    }
    connect
}

/// Every check some target runs, in the checks' fixed order. When no target could be
/// planned, the command line's selection, so the roll-up still shows what was not run.
fn checks_of(args: &CheckArgs, plans: &[TargetPlan]) -> Vec<CheckId> {
    let mut checks: Vec<CheckId> = plans
        .iter()
        .filter_map(|t| t.plan.as_ref().ok())
        .flat_map(|plan| plan.checks.iter().copied())
        .collect();
    if checks.is_empty() {
        checks = CheckId::ALL
            .iter()
            .copied()
            .filter(|id| args.select.only.is_empty() || args.select.only.contains(id))
            .filter(|id| !args.select.skip.contains(id))
            .collect();
    }
    checks.sort_unstable();
    checks.dedup();
    checks
}

/// One target's report: its audit, or the error that stopped it before connecting.
async fn audit_target(
    target: &TargetPlan,
    folder: Option<&Folder<'_>>,
    fail_on_new: bool,
) -> TargetReport {
    let report = match &target.plan {
        Ok(plan) => {
            let previous = folder
                .filter(|f| f.compare)
                .and_then(|f| {
                    let database = crate::audit::fingerprint(&plan.url, &plan.settings);
                    crate::reports::latest(&f.dir.join(&target.name), &database)
                })
                .and_then(|path| {
                    // An unreadable earlier report is a warning for this target, not a stop.
                    match crate::compare::read_previous(&path) {
                        Ok(value) => Some((path, value)),
                        Err(e) => {
                            console::warning(&format!("target {}: {e}", target.name));
                            None
                        }
                    }
                });
            crate::app::audit_and_compare(plan, previous, fail_on_new).await
        }
        Err(e) => {
            let mut report = Report::new(None, target.label.clone());
            report.error = Some(e.to_string());
            report
        }
    };
    TargetReport {
        name: target.name.clone(),
        report,
    }
}

/// `report --targets`: each target's report into its own history folder, then the combined
/// report beside them. Written after every audit ended, so an interruption leaves no part.
fn save(folder: &Folder<'_>, combined: &Report) -> Result<(), AuditError> {
    for target in &combined.targets {
        let dir: PathBuf = folder.dir.join(&target.name);
        let saved = crate::reports::save(&dir, &target.report, folder.keep)?;
        console::note(&format!(
            "target {}: saved {}",
            target.name,
            saved.json.display()
        ));
    }
    let options = RenderOptions::default();
    for (format, name) in [(Format::Json, FLEET_JSON), (Format::Html, FLEET_HTML)] {
        let path = folder.dir.join(name);
        crate::atomic::write_atomically(&path, |w| render(format, w, combined, &options))?;
    }
    console::note(&format!(
        "saved {} and {}",
        folder.dir.join(FLEET_JSON).display(),
        folder.dir.join(FLEET_HTML).display()
    ));
    Ok(())
}
