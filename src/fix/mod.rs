//! `session-audit fix-sql`: a remediation script for review, never executed by the tool.
//!
//! Reads, read-only, the bookings that block `bookings.0013` and the real shape of the session
//! table, decides per booking (see `triage`), and writes one transaction that links each
//! scheduled booking either to the one session of its service at its legacy start time, or to
//! an individual/private session of its own (the guide's troubleshooting). The script is safe
//! with every client, stopping at errors or not, and idempotent: see `queries/fix_script.*.sql`.
//!
//! - `triage`: which bookings are repaired and how, which are left alone and why
//! - `columns`: the INSERT the session table accepts, from its NOT NULL columns and defaults
//! - `dialect`: quoting and expressions per backend
//! - `script`: the header and the filled-in template

mod columns;

pub use columns::RULED;
mod dialect;
mod script;
mod triage;

use crate::checks::audit_bindings;
use crate::cli::FixArgs;
use crate::db::Reading;
use crate::error::AuditError;
use crate::plan::CheckPlan;
use crate::queries::template;
use crate::sql::bind;

use dialect::Dialect;
use triage::{LinkCandidate, Unlinked};

/// Reads what needs repair and returns the script (the caller prints or writes it).
pub async fn script(args: &FixArgs) -> Result<(CheckPlan, String), AuditError> {
    let mut plan = CheckPlan::connecting(&args.connect, None)?;
    plan.output.path = args.output.clone();
    if let Some(path) = &args.output {
        let inputs = crate::inputs::read_by_the_run(
            Some(&plan.url),
            args.connect.config.as_deref(),
            true,
            &[args.connect.database_url_file.as_deref()],
        );
        crate::inputs::refuse_writing_over(&[path], &inputs)?;
    }
    if args.include_unknown_status {
        plan.settings.fix.include_unknown_status = true;
    }
    if !plan.settings.columns.is_empty() {
        // The script writes to the tables by their real column names, which it does not map.
        return Err(AuditError::FixCannot(
            "it does not yet map renamed columns ([columns] in the config) into the statements it writes, only the guide's column names; repair these bookings by hand or with Django".into(),
        ));
    }
    let mut reading = Reading::open(&plan.url, plan.options, 1, &[]).await?;
    let read = read(&mut reading, &plan).await;
    let schema = reading.schema.clone();
    reading.close().await;
    let (unlinked, links) = read?;
    let settings = &plan.settings;
    let backend = plan.url.backend();
    let (bookings, sessions) = (&settings.tables.bookings, &settings.tables.sessions);
    let insert = columns::session_insert(
        &schema,
        sessions,
        &settings.vocabulary.individual,
        &settings.fix,
        Dialect(backend),
    )
    .map_err(AuditError::FixCannot)?;
    let triage = triage::triage(
        &unlinked,
        &links,
        &settings.vocabulary,
        settings.fix.include_unknown_status,
    );
    let text = script::render(&script::ScriptInput {
        source: plan.url.redacted.clone(),
        backend,
        bookings,
        sessions,
        vocabulary: &settings.vocabulary,
        triage: &triage,
        insert: &insert,
    });
    Ok((plan, text))
}

/// The bookings without a session and their link candidates, from the snapshot.
async fn read(
    reading: &mut Reading,
    plan: &CheckPlan,
) -> Result<(Vec<Unlinked>, Vec<LinkCandidate>), AuditError> {
    let schema = &reading.schema;
    let (bookings, sessions) = (
        &plan.settings.tables.bookings,
        &plan.settings.tables.sessions,
    );
    for (table, column) in [
        (bookings, "id"),
        (bookings, "status"),
        (bookings, "service_id"),
        (bookings, "start_time"),
        (bookings, "end_time"),
        (bookings, "service_session_id"),
        (sessions, "id"),
        (sessions, "service_id"),
        (sessions, "start_time"),
        (sessions, "current_participants"),
        (sessions, "max_participants"),
    ] {
        if !schema.has_column(table, column) {
            return Err(AuditError::FixCannot(format!(
                "it needs {table}.{column}, which this database does not have; without the legacy booking times there is nothing to rebuild sessions from (set the table names with --bookings-table/--sessions-table if they differ)"
            )));
        }
    }
    let backend = plan.url.backend();
    let bindings = audit_bindings(&plan.settings, schema, backend);
    let query = |name: &str| {
        let text = template(name, backend)
            .map(|(_, text)| text)
            .ok_or_else(|| {
                AuditError::Usage(format!("no {name} query for {}", backend.as_str()))
            })?;
        bind(text, &bindings).map_err(|e| AuditError::Usage(e.to_string()))
    };
    let query_error = |e: crate::db::QueryError| {
        AuditError::FixCannot(format!("the bookings to repair could not be read: {e}"))
    };
    let snapshot = reading.first()?;
    let links: Vec<LinkCandidate> = snapshot
        .load(query("fix_link")?)
        .await
        .map_err(query_error)?;
    let unlinked: Vec<Unlinked> = snapshot
        .load(query("fix_bookings")?)
        .await
        .map_err(query_error)?;
    Ok((unlinked, links))
}
