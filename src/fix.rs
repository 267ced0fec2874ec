//! `session-audit fix-sql`: a remediation script for review, never executed by the tool.
//!
//! In one transaction: bookings without a session that have exactly one session of their
//! service at their legacy start time are linked to it; the remaining scheduled bookings with
//! a legacy start time get an individual/private session each (the guide's troubleshooting:
//! service, times, max_participants 1, current_participants 1) and are linked to it. Every
//! statement is commented with its booking id, and a dry-run count heads the script. The rows
//! are read read-only from the audit's snapshot; identifiers and literals in the script are
//! quoted for the target dialect.

use std::fmt::Write as _;

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::checks::audit_bindings;
use crate::cli::CheckArgs;
use crate::db::types::AnyInteger;
use crate::db::{BackendKind, Schema, Snapshot};
use crate::error::AuditError;
use crate::plan::CheckPlan;
use crate::queries::template;
use crate::sql::bind;

#[derive(QueryableByName)]
struct Link {
    #[diesel(sql_type = AnyInteger)]
    booking_id: i64,
    #[diesel(sql_type = AnyInteger)]
    session_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    status: Option<String>,
}

#[derive(QueryableByName)]
struct ToCreate {
    #[diesel(sql_type = AnyInteger)]
    booking_id: i64,
    #[diesel(sql_type = AnyInteger)]
    service_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    start_time: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    end_time: Option<String>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    bookings: i64,
}

/// Reads what needs repair and returns the script (the caller prints or writes it).
pub async fn script(args: &CheckArgs) -> Result<(CheckPlan, String), AuditError> {
    crate::plan::refuse_report_flags(args, "fix-sql")?;
    let plan = CheckPlan::from_args(args)?;
    let mut snapshots = Snapshot::open_shared(&plan.url, plan.options, 1).await?;
    let Some(snapshot) = snapshots.first_mut() else {
        return Err(AuditError::Usage("no connection".into()));
    };
    let schema = Schema::read(snapshot)
        .await
        .map_err(|e| AuditError::Schema {
            url: plan.url.redacted.clone(),
            reason: e.to_string(),
        })?;
    let (bookings, sessions) = (
        &plan.settings.tables.bookings,
        &plan.settings.tables.sessions,
    );
    for (table, column) in [
        (bookings, "start_time"),
        (bookings, "service_session_id"),
        (sessions, "service_id"),
    ] {
        if !schema.has_column(table, column) {
            return Err(AuditError::Usage(format!(
                "fix-sql needs {table}.{column}, which this database does not have; without the legacy times there is nothing to rebuild sessions from"
            )));
        }
    }
    let backend = plan.url.backend();
    let bindings = audit_bindings(&plan.settings, &schema, backend);
    let read = |name: &str| {
        template(name, backend)
            .map(|(_, text)| text)
            .ok_or_else(|| AuditError::Usage(format!("no {name} query for {}", backend.as_str())))
    };
    let query_error = |e: crate::db::QueryError| {
        AuditError::Usage(format!("cannot read the bookings to repair: {e}"))
    };
    let template_error = |e: crate::sql::TemplateError| AuditError::Usage(e.to_string());
    let links: Vec<Link> = snapshot
        .load(bind(read("fix_link")?, &bindings).map_err(template_error)?)
        .await
        .map_err(query_error)?;
    let candidates: Vec<ToCreate> = snapshot
        .load(bind(read("fix_create")?, &bindings).map_err(template_error)?)
        .await
        .map_err(query_error)?;
    let without: Vec<Count> = snapshot
        .load(bind(read("fix_without_session")?, &bindings).map_err(template_error)?)
        .await
        .map_err(query_error)?;
    for snapshot in snapshots {
        snapshot.close().await;
    }
    let linked: std::collections::BTreeSet<i64> = links.iter().map(|l| l.booking_id).collect();
    let create: Vec<&ToCreate> = candidates
        .iter()
        .filter(|c| !linked.contains(&c.booking_id))
        .collect();
    let without = without.first().map_or(0, |c| c.bookings);
    let left = without - links.len() as i64 - create.len() as i64;
    // Django's auto_now_add/auto_now columns are NOT NULL without a database default.
    let stamps: Vec<&'static str> = ["created_at", "updated_at"]
        .into_iter()
        .filter(|c| schema.has_column(sessions, c))
        .collect();
    let text = render(&plan, backend, &links, &create, left, &stamps);
    Ok((plan, text))
}

fn render(
    plan: &CheckPlan,
    backend: BackendKind,
    links: &[Link],
    create: &[&ToCreate],
    left: i64,
    stamps: &[&str],
) -> String {
    let q = Quote(backend);
    let settings = &plan.settings;
    let (bookings, sessions) = (
        q.ident(&settings.tables.bookings),
        q.ident(&settings.tables.sessions),
    );
    let (kind, visibility) = &settings.vocabulary.individual;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- session-audit {} fix-sql for {} ({}), read {}.\n\
         -- For review: session-audit never runs this. Run it in a maintenance window, after a backup.\n\
         -- Dry run, as read now:\n\
         --   {} bookings linked to the one existing session of their service at their start time\n\
         --   {} {kind}/{visibility} sessions created for scheduled bookings with a start time, and linked\n\
         --   {left} bookings without a session left alone (no legacy start time, or not scheduled)\n\
         -- Each statement changes one booking and only while it still has no session.",
        env!("CARGO_PKG_VERSION"),
        plan.url.redacted,
        backend.as_str(),
        crate::report::format_time(&chrono::Utc::now()),
        links.len(),
        create.len(),
    );
    let begin = if backend == BackendKind::Mysql {
        "START TRANSACTION;"
    } else {
        "BEGIN;"
    };
    let _ = writeln!(out, "{begin}");
    let ssid = q.ident("service_session_id");
    let id = q.ident("id");
    let current = q.ident("current_participants");
    for link in links {
        let _ = writeln!(
            out,
            "-- booking {}: link to session {} (its service, its start time)\n\
             UPDATE {bookings} SET {ssid} = {} WHERE {id} = {} AND {ssid} IS NULL;",
            link.booking_id, link.session_id, link.session_id, link.booking_id
        );
        let canceled = link
            .status
            .as_ref()
            .is_some_and(|s| settings.vocabulary.canceled.contains(s));
        if !canceled {
            // The session now holds one more booking that takes a seat (see capacity).
            let _ = writeln!(
                out,
                "UPDATE {sessions} SET {current} = {current} + 1 WHERE {id} = {};",
                link.session_id
            );
        }
    }
    let columns = [
        "service_id",
        "session_type",
        "visibility",
        "start_time",
        "end_time",
        "max_participants",
        "current_participants",
    ]
    .iter()
    .chain(stamps)
    .map(|c| q.ident(c))
    .collect::<Vec<_>>()
    .join(", ");
    let now = match backend {
        BackendKind::Postgres => "CURRENT_TIMESTAMP",
        BackendKind::Mysql => "UTC_TIMESTAMP(6)",
        BackendKind::Sqlite => "strftime('%Y-%m-%d %H:%M:%f', 'now')",
    };
    let now_values: String = stamps.iter().map(|_| format!(", {now}")).collect();
    for c in create {
        let values = format!(
            "{}, {}, {}, {}, {}, 1, 1{now_values}",
            c.service_id,
            q.text(kind),
            q.text(visibility),
            q.time(c.start_time.as_deref()),
            q.time(c.end_time.as_deref())
        );
        let _ = writeln!(
            out,
            "-- booking {}: new {kind}/{visibility} session",
            c.booking_id
        );
        match backend {
            BackendKind::Postgres => {
                let _ = writeln!(
                    out,
                    "WITH created AS (INSERT INTO {sessions} ({columns}) VALUES ({values}) RETURNING {id})\n\
                     UPDATE {bookings} SET {ssid} = (SELECT {id} FROM created) WHERE {id} = {} AND {ssid} IS NULL;",
                    c.booking_id
                );
            }
            BackendKind::Sqlite | BackendKind::Mysql => {
                let last = if backend == BackendKind::Sqlite {
                    "last_insert_rowid()"
                } else {
                    "LAST_INSERT_ID()"
                };
                let _ = writeln!(
                    out,
                    "INSERT INTO {sessions} ({columns}) VALUES ({values});\n\
                     UPDATE {bookings} SET {ssid} = {last} WHERE {id} = {} AND {ssid} IS NULL;",
                    c.booking_id
                );
            }
        }
    }
    let _ = writeln!(out, "COMMIT;");
    out
}

/// Quoting for the script's dialect. Identifiers as the drivers quote them; text literals with
/// single quotes doubled (and backslashes doubled on MySQL, where they escape by default).
struct Quote(BackendKind);

impl Quote {
    fn ident(&self, name: &str) -> String {
        match self.0 {
            BackendKind::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    fn text(&self, value: &str) -> String {
        let value = value.replace('\'', "''");
        match self.0 {
            BackendKind::Mysql => format!("'{}'", value.replace('\\', "\\\\")),
            _ => format!("'{value}'"),
        }
    }

    fn time(&self, value: Option<&str>) -> String {
        value.map_or("NULL".to_owned(), |v| self.text(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_literals_are_quoted_per_dialect() {
        let pg = Quote(BackendKind::Postgres);
        assert_eq!(pg.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(pg.text("it's"), "'it''s'");
        let my = Quote(BackendKind::Mysql);
        assert_eq!(my.ident("a`b"), "`a``b`");
        assert_eq!(my.text("a\\'b"), "'a\\\\''b'");
        assert_eq!(my.time(None), "NULL");
    }
}
