//! `session-audit init --database-url URL`: a config made for a live database, read read-only.
//!
//! Finds each table (the default name, else the look-alike it chose, saying which others it
//! saw), the optional columns, the soft-delete column, the session lifecycle column, every
//! booking status, session type, visibility, lifecycle value and service type code with its
//! count (marking the ones outside the vocabulary for the operator to decide), the migration
//! state, and the session columns fix-sql will need values for. It writes them as comments on
//! top of the usual commented file, with the tables it chose filled in: an hour of reading
//! models becomes a review of one file. It never guesses a vocabulary: values outside it are
//! named, and the lists keep their defaults until the operator edits them.

use std::fmt::Write as _;

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::checks::audit_bindings;
use crate::cli::ConnectArgs;
use crate::db::{BackendKind, Reading, Schema};
use crate::error::AuditError;
use crate::plan::CheckPlan;
use crate::settings::AuditSettings;
use crate::vocab::TableRole;

#[derive(QueryableByName)]
struct ValueCount {
    #[diesel(sql_type = Nullable<Text>)]
    value: Option<String>,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// The config text for the database `connect` names.
pub async fn config_for(connect: &ConnectArgs) -> Result<String, AuditError> {
    let plan = CheckPlan::connecting(connect, None)?;
    let mut settings = plan.settings.clone();
    let mut reading = Reading::open(&plan.url, plan.options, 1, &[]).await?;
    let mut notes = vec![format!(
        "Made by `session-audit init --database-url` from {} ({}), read-only, {}.",
        plan.url.redacted,
        plan.url.backend().as_str(),
        crate::report::format_time(&chrono::Utc::now())
    )];
    choose_tables(&reading.schema, &mut settings, &mut notes);
    let found = findings(&mut reading, &settings, &mut notes).await;
    reading.close().await;
    found?;
    let mut text = String::new();
    for note in notes {
        for line in note.lines() {
            let _ = writeln!(text, "# {}", crate::error::one_line(line));
        }
    }
    text.push_str("#\n");
    text.push_str(&crate::config::config_text(&settings));
    Ok(text)
}

/// Each role's table: the configured (or default) name when it exists, else the best
/// look-alike, with a note either way.
fn choose_tables(schema: &Schema, settings: &mut AuditSettings, notes: &mut Vec<String>) {
    for role in TableRole::ALL {
        let wanted = settings.table(role).to_owned();
        if schema.has_table(&wanted) {
            notes.push(format!("tables.{}: {wanted} (found)", role.key()));
            continue;
        }
        let candidates =
            schema.candidates(&wanted, &crate::checks::runner::columns_read_from(role));
        match candidates.first() {
            Some(chosen) => {
                notes.push(format!(
                    "tables.{}: {chosen}, chosen for {wanted}, which does not exist (look-alikes seen: {}); check it",
                    role.key(),
                    candidates.join(", ")
                ));
                set_table(settings, role, chosen);
            }
            None => notes.push(format!(
                "tables.{}: {wanted} does not exist and nothing looks like it; set it by hand",
                role.key()
            )),
        }
    }
}

fn set_table(settings: &mut AuditSettings, role: TableRole, name: &str) {
    let t = &mut settings.tables;
    let slot = match role {
        TableRole::Bookings => &mut t.bookings,
        TableRole::Sessions => &mut t.sessions,
        TableRole::Services => &mut t.services,
        TableRole::ServiceTypes => &mut t.service_types,
        TableRole::Migrations => &mut t.migrations,
    };
    *slot = name.to_owned();
}

/// The columns, the values and the migration state, as notes.
async fn findings(
    reading: &mut Reading,
    settings: &AuditSettings,
    notes: &mut Vec<String>,
) -> Result<(), AuditError> {
    let schema = reading.schema.clone();
    let t = &settings.tables;
    let v = &settings.vocabulary;
    let optional = crate::audit::optional_columns(&schema, settings);
    notes.push(format!(
        "optional columns present: {}",
        if optional.is_empty() {
            "none".to_owned()
        } else {
            optional.join(", ")
        }
    ));
    match crate::checks::soft_delete(settings, &schema) {
        Some(_) => notes.push(
            "bookings are soft-deleted (is_deleted or deleted_at): deleted ones will be counted apart"
                .into(),
        ),
        None => notes.push("bookings have no soft-delete column".into()),
    }
    let backend = reading.first()?.backend();
    let lifecycle = &v.session_status_column;
    let mut columns = vec![
        (t.bookings.as_str(), "status", "statuses.known", &v.statuses),
        (
            t.sessions.as_str(),
            "session_type",
            "sessions.types",
            &v.session_types,
        ),
        (
            t.sessions.as_str(),
            "visibility",
            "sessions.visibilities",
            &v.visibilities,
        ),
    ];
    if schema.has_column(&t.sessions, lifecycle) {
        columns.push((
            t.sessions.as_str(),
            lifecycle.as_str(),
            "sessions.statuses",
            &v.session_statuses,
        ));
    }
    let bindings = audit_bindings(settings, &schema, backend);
    for (table, column, key, known) in columns {
        if !schema.has_column(table, column) {
            notes.push(format!("{table}.{column}: no such column"));
            continue;
        }
        let extra = bindings.clone().identifier("source", table).exact_column(
            "value",
            "t",
            column,
            backend == BackendKind::Mysql,
        );
        let rows: Vec<ValueCount> =
            load(reading, template("init_values", backend)?, &extra).await?;
        notes.push(values_note(&format!("{table}.{column}"), key, known, rows));
    }
    if schema.has_column(&t.service_types, "code") && schema.has_table(&t.services) {
        let rows: Vec<ValueCount> =
            load(reading, template("init_service_types", backend)?, &bindings).await?;
        notes.push(service_types_note(
            &format!("{}.code", t.service_types),
            settings,
            rows,
        ));
    }
    let required = schema
        .column(&t.bookings, "service_session_id")
        .is_some_and(|c| !c.nullable);
    notes.push(format!(
        "{}.service_session_id is {}",
        t.bookings,
        if required {
            "NOT NULL (the guide's bookings.0013 form)"
        } else {
            "nullable (before bookings.0013, or its check-only form)"
        }
    ));
    if schema.has_column(&t.migrations, "name") {
        #[derive(QueryableByName)]
        struct Applied {
            #[diesel(sql_type = Text)]
            app: String,
            #[diesel(sql_type = Text)]
            name: String,
        }
        let rows: Vec<Applied> =
            load(reading, template("migration_state", backend)?, &bindings).await?;
        let mut applied: Vec<String> = rows
            .iter()
            .map(|r| format!("{}.{}", r.app, r.name))
            .collect();
        applied.sort();
        notes.push(format!(
            "migrations of services and bookings applied: {}",
            if applied.is_empty() {
                "none".to_owned()
            } else {
                applied.join(", ")
            }
        ));
    }
    let needs: Vec<&str> = schema
        .columns(&t.sessions)
        .map(|cols| {
            cols.iter()
                .filter(|(name, c)| {
                    c.needs_a_value() && !crate::fix::RULED.contains(&name.as_str())
                })
                .map(|(name, _)| name.as_str())
                .collect()
        })
        .unwrap_or_default();
    if !needs.is_empty() {
        notes.push(format!(
            "fix-sql needs [fix.session_defaults] values for {} (NOT NULL, no database default: Django keeps it in Python)",
            needs.join(", ")
        ));
    }
    Ok(())
}

fn template(name: &str, backend: BackendKind) -> Result<&'static str, AuditError> {
    crate::queries::template(name, backend)
        .map(|(_, text)| text)
        .ok_or_else(|| AuditError::Usage(format!("no {name} query for {}", backend.as_str())))
}

async fn load<T: crate::db::Row>(
    reading: &mut Reading,
    template: &'static str,
    bindings: &crate::sql::Bindings,
) -> Result<Vec<T>, AuditError> {
    let query =
        crate::sql::bind(template, bindings).map_err(|e| AuditError::Usage(e.to_string()))?;
    reading
        .first()?
        .load(query)
        .await
        .map_err(|e| AuditError::Usage(format!("cannot read the values: {e}")))
}

/// Service type codes with the session_type each calls for: its mapping, else the default.
fn service_types_note(what: &str, settings: &AuditSettings, mut rows: Vec<ValueCount>) -> String {
    let v = &settings.vocabulary;
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    let codes: Vec<String> = rows
        .iter()
        .map(|r| {
            let code = r.value.as_deref().unwrap_or("NULL");
            let kind = v
                .type_mapping
                .iter()
                .find(|(c, _)| Some(c.as_str()) == r.value.as_deref())
                .map_or(
                    format!("{} by service_types.default", v.default_session_type),
                    |(_, t)| t.clone(),
                );
            format!("{code:?} ({} services: {kind})", r.count)
        })
        .collect();
    format!(
        "{what}: {} (add codes such as package, bundle or retreat to service_types.mapping when their sessions are not {})",
        if codes.is_empty() {
            "no rows".to_owned()
        } else {
            codes.join(", ")
        },
        v.default_session_type
    )
}

/// "table.column: a (12), b (3), Workshop (1, not in sessions.types: add it there or fix the rows)".
fn values_note(what: &str, key: &str, known: &[String], mut rows: Vec<ValueCount>) -> String {
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    if rows.is_empty() {
        return format!("{what}: no rows");
    }
    let values: Vec<String> = rows
        .iter()
        .map(|r| {
            let shown = r
                .value
                .as_deref()
                .map_or("NULL".to_owned(), |v| format!("{v:?}"));
            let outside = r.value.as_ref().is_none_or(|v| !known.contains(v));
            if outside {
                format!("{shown} ({}, NOT in {key}: decide)", r.count)
            } else {
                format!("{shown} ({})", r.count)
            }
        })
        .collect();
    format!("{what}: {}", values.join(", "))
}
