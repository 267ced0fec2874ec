//! The text of the repair script: a header a reviewer reads first, then the dialect's template
//! from `queries/fix_script.*.sql` with the plan and the INSERT's columns filled in.

use std::fmt::Write as _;

use crate::db::BackendKind;

use super::columns::SessionInsert;
use super::dialect::Dialect;
use super::triage::{Action, Reason, Triage, likely_meant};
use crate::settings::Vocabulary;

/// Everything the script says, decided before a word of it is written.
pub struct ScriptInput<'a> {
    pub source: String,
    pub backend: BackendKind,
    pub bookings: &'a str,
    pub sessions: &'a str,
    pub vocabulary: &'a Vocabulary,
    pub triage: &'a Triage,
    pub insert: &'a SessionInsert,
}

/// How many ids a header line lists before "and N more".
const IDS_SHOWN: usize = 50;

pub fn render(input: &ScriptInput) -> String {
    let d = Dialect(input.backend);
    let mut out = header(input);
    out.push('\n');
    if input.triage.repairs.is_empty() {
        out.push_str("-- Nothing to repair: no statement follows.\n");
        return out;
    }
    let template = match input.backend {
        BackendKind::Postgres => include_str!("../../queries/fix_script.postgres.sql"),
        BackendKind::Sqlite => include_str!("../../queries/fix_script.sqlite.sql"),
        BackendKind::Mysql => include_str!("../../queries/fix_script.mysql.sql"),
    };
    let text = template
        .replace("{{bookings}}", &d.ident(input.bookings))
        .replace("{{sessions}}", &d.ident(input.sessions))
        .replace("{{sessions_name}}", &d.text(&d.ident(input.sessions)))
        .replace("{{insert_columns}}", &input.insert.columns.join(", "))
        .replace("{{insert_values}}", &input.insert.values.join(", "))
        .replace("{{plan_rows}}", &plan_rows(input, d));
    out.push_str(&text);
    out
}

fn header(input: &ScriptInput) -> String {
    let t = input.triage;
    let (kind, visibility) = &input.vocabulary.individual;
    let mut out = String::new();
    let run = match input.backend {
        BackendKind::Postgres => "psql -v ON_ERROR_STOP=1 -f fix.sql \"$DATABASE_URL\"",
        BackendKind::Sqlite => "sqlite3 -bail db.sqlite3 < fix.sql",
        BackendKind::Mysql => "mysql --database=DB < fix.sql",
    };
    let _ = writeln!(
        out,
        "-- session-audit {} fix-sql for {} ({}), read {}.\n\
         -- For review: session-audit never runs this. Run it in a maintenance window, after a backup,\n\
         -- e.g. {run}\n\
         -- All or nothing with any client, stopping at errors or not (each step below says how), and\n\
         -- idempotent: run again, it finds nothing left to do and changes nothing.\n\
         -- Dry run, as read now:\n\
         --   {} bookings linked to the one existing session of their service at their start time\n\
         --   {} {kind}/{visibility} sessions created for scheduled bookings with a start time, and linked\n\
         --   {} bookings without a session left alone",
        env!("CARGO_PKG_VERSION"),
        input.source,
        input.backend.as_str(),
        crate::report::format_time(&chrono::Utc::now()),
        t.links(),
        t.creates(),
        t.left_alone_count(),
    );
    for (reason, ids) in &t.left_alone {
        let _ = writeln!(
            out,
            "--     {}: {}",
            crate::error::one_line(&describe(reason, input.vocabulary)),
            id_list(ids)
        );
    }
    if !input.insert.from_config.is_empty() {
        let _ = writeln!(
            out,
            "-- New sessions take from [fix.session_defaults]: {}",
            input.insert.from_config.join(", ")
        );
    }
    out
}

fn describe(reason: &Reason, vocabulary: &Vocabulary) -> String {
    match reason {
        Reason::UnknownStatus(Some(status)) => {
            let hint = likely_meant(status, vocabulary)
                .map(|k| format!(", likely a typo of '{k}'"))
                .unwrap_or_default();
            format!(
                "status '{status}' is not in statuses.known{hint} (--include-unknown-status repairs them)"
            )
        }
        Reason::UnknownStatus(None) => {
            "no status (--include-unknown-status repairs them)".to_owned()
        }
        Reason::NotScheduled(status) => format!("status '{status}' is not scheduled"),
        Reason::NoStartTime => "no legacy start time to rebuild a session from".to_owned(),
    }
}

fn id_list(ids: &[i64]) -> String {
    let shown: Vec<String> = ids.iter().take(IDS_SHOWN).map(i64::to_string).collect();
    let mut text = format!("booking(s) {}", shown.join(", "));
    if ids.len() > IDS_SHOWN {
        let _ = write!(text, " and {} more", ids.len() - IDS_SHOWN);
    }
    text
}

/// One commented VALUES row per repaired booking: (booking, action, session, status, n).
fn plan_rows(input: &ScriptInput, d: Dialect) -> String {
    let (kind, visibility) = &input.vocabulary.individual;
    let last = input.triage.repairs.len().saturating_sub(1);
    let mut out = String::new();
    for (i, repair) in input.triage.repairs.iter().enumerate() {
        let b = &repair.booking;
        let status = d.optional_text(b.status.as_deref());
        let start = b.start_time.as_deref().unwrap_or("?");
        let (comment, row) = match repair.action {
            Action::Link(session) => (
                format!("link to session {session} (its service, its start time)"),
                format!("({}, 'link', {session}, {status}, 0)", b.booking_id),
            ),
            Action::Create(n) => (
                format!("new {kind}/{visibility} session at {start}"),
                format!("({}, 'create', NULL, {status}, {n})", b.booking_id),
            ),
        };
        let comma = if i == last { "" } else { "," };
        let _ = writeln!(
            out,
            "    -- booking {}: {}\n    {row}{comma}",
            b.booking_id,
            crate::error::one_line(&comment)
        );
    }
    out.trim_end().to_owned()
}
