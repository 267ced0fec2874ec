//! The columns of the sessions `fix-sql` creates, decided by the table the database really has.
//!
//! Django keeps most model defaults in Python, so a real session table has NOT NULL columns
//! without a database default (`status`, `sequence_number`, `reschedule_count`…) that an INSERT
//! naming only the guide's columns cannot satisfy. Every such column gets a value from a rule
//! below or from `[fix.session_defaults]`; when one has neither, no script is written: the tool
//! never guesses a value that would then sit in production.

use crate::db::Schema;
use crate::settings::FixSettings;

use super::dialect::Dialect;

/// The column list and the matching SELECT expressions (over the plan `p` and the booking `b`).
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInsert {
    pub columns: Vec<String>,
    pub values: Vec<String>,
    /// Columns whose value came from `[fix.session_defaults]`, for the script's header.
    pub from_config: Vec<String>,
}

/// Every column a rule below fills, in the INSERT's order; others come from the config.
pub const RULED: [&str; 11] = [
    "id",
    "service_id",
    "session_type",
    "visibility",
    "start_time",
    "end_time",
    "duration",
    "max_participants",
    "current_participants",
    "created_at",
    "updated_at",
];

/// The value a rule gives `column` (one of [`RULED`]): an expression over the plan `p` and
/// the booking `b`.
fn rule(column: &str, individual: &(String, String), d: Dialect) -> String {
    let booking = |c: &str| format!("b.{}", d.ident(c));
    match column {
        "id" => "p.session_id".to_owned(),
        "session_type" => d.text(&individual.0),
        "visibility" => d.text(&individual.1),
        "duration" => d.minutes_between(&booking("start_time"), &booking("end_time")),
        "max_participants" | "current_participants" => "1".to_owned(),
        // Django's auto_now_add / auto_now.
        "created_at" | "updated_at" => d.now().to_owned(),
        // service_id, start_time, end_time: the booking's own.
        other => booking(other),
    }
}

/// Columns the repair itself derives from the booking and the individual pair; the config may
/// not set them (it may set the others the rules fill: duration and Django's timestamps).
fn derived(column: &str) -> bool {
    RULED.contains(&column) && !["duration", "created_at", "updated_at"].contains(&column)
}

/// The INSERT for `sessions` in `schema`, or one line naming what is missing and how to give it.
pub fn session_insert(
    schema: &Schema,
    sessions: &str,
    individual: &(String, String),
    fix: &FixSettings,
    d: Dialect,
) -> Result<SessionInsert, String> {
    let Some(table) = schema.columns(sessions) else {
        return Err(format!("the sessions table {sessions} does not exist"));
    };
    for column in fix.session_defaults.keys() {
        if derived(column) {
            return Err(format!(
                "fix.session_defaults.{column} cannot be set: the repair derives {column} from the booking and the [sessions] individual pair; remove it"
            ));
        }
        if !table.contains_key(column) {
            let near = table
                .keys()
                .map(|c| (strsim::jaro_winkler(c, column), c))
                .filter(|(score, _)| *score >= 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, c)| format!(" (did you mean {c}?)"))
                .unwrap_or_default();
            return Err(format!(
                "fix.session_defaults.{column} names no column of {sessions}{near}; fix the name or remove it"
            ));
        }
    }
    let mut insert = SessionInsert {
        columns: Vec::new(),
        values: Vec::new(),
        from_config: Vec::new(),
    };
    for column in RULED {
        if fix.session_defaults.contains_key(column) || !table.contains_key(column) {
            continue;
        }
        insert.columns.push(d.ident(column));
        insert.values.push(rule(column, individual, d));
    }
    for (column, value) in &fix.session_defaults {
        insert.columns.push(d.ident(column));
        insert.values.push(d.value(value));
        insert.from_config.push(column.clone());
    }
    let covered = |c: &str| insert.columns.contains(&d.ident(c));
    let missing: Vec<&str> = table
        .iter()
        .filter(|(name, column)| column.needs_a_value() && !covered(name))
        .map(|(name, _)| name.as_str())
        .collect();
    if !missing.is_empty() {
        let example: Vec<String> = missing
            .iter()
            .map(|c| format!("{c} = {}", example_value(schema, sessions, c)))
            .collect();
        return Err(format!(
            "{sessions} has NOT NULL column(s) without a database default that fix-sql has no value for: {}; Django keeps their defaults in Python, so give each in the config under [fix.session_defaults] (e.g. {}) and run fix-sql again",
            missing.join(", "),
            example.join(", ")
        ));
    }
    if !covered("id") {
        return Err(format!(
            "{sessions} has no id column; fix-sql links bookings to sessions by id"
        ));
    }
    Ok(insert)
}

/// A placeholder of the right kind for the error message's example, never a value that is used.
fn example_value(schema: &Schema, table: &str, column: &str) -> &'static str {
    let kind = schema
        .column(table, column)
        .map(|c| c.data_type.to_lowercase())
        .unwrap_or_default();
    if kind.contains("int") || kind.contains("numeric") || kind.contains("decimal") {
        "0"
    } else if kind.contains("bool") {
        "false"
    } else {
        "\"…\""
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::BackendKind;
    use crate::db::schema::Column;
    use crate::settings::FixValue;

    fn column(nullable: bool, default: Option<&str>, generated: bool, kind: &str) -> Column {
        Column {
            data_type: kind.into(),
            nullable,
            default: default.map(str::to_owned),
            generated,
        }
    }

    /// The real platform's session table: status, sequence_number and reschedule_count are NOT
    /// NULL with their defaults in Python only.
    fn real_platform() -> Schema {
        let not_null = column(false, None, false, "integer");
        Schema::from_columns(
            "service_sessions",
            vec![
                ("id", column(false, None, true, "bigint")),
                ("service_id", not_null.clone()),
                ("session_type", column(false, None, false, "varchar")),
                ("visibility", column(false, None, false, "varchar")),
                ("start_time", column(true, None, false, "timestamp")),
                ("end_time", column(true, None, false, "timestamp")),
                ("max_participants", column(true, None, false, "integer")),
                ("current_participants", not_null.clone()),
                ("sequence_number", not_null.clone()),
                ("reschedule_count", not_null),
                ("status", column(false, None, false, "character varying")),
                ("title", column(true, None, false, "varchar")),
                ("price_cents", column(false, Some("0"), false, "integer")),
                ("created_at", column(false, None, false, "timestamp")),
                ("updated_at", column(false, None, false, "timestamp")),
            ],
        )
    }

    fn individual() -> (String, String) {
        ("individual".into(), "private".into())
    }

    #[test]
    fn a_not_null_column_without_a_value_stops_the_script_and_is_named() {
        let err = session_insert(
            &real_platform(),
            "service_sessions",
            &individual(),
            &FixSettings::default(),
            Dialect(BackendKind::Postgres),
        )
        .unwrap_err();
        assert!(
            err.contains(
                "without a database default that fix-sql has no value for: reschedule_count, sequence_number, status;"
            ),
            "{err}"
        );
        assert!(
            err.contains("reschedule_count = 0, sequence_number = 0, status = \"…\""),
            "{err}"
        );
    }

    #[test]
    fn the_config_fills_them_and_every_known_column_follows_its_rule() {
        let mut fix = FixSettings::default();
        fix.session_defaults
            .insert("status".into(), FixValue::Text("scheduled".into()));
        fix.session_defaults
            .insert("sequence_number".into(), FixValue::Integer(0));
        fix.session_defaults
            .insert("reschedule_count".into(), FixValue::Integer(0));
        let insert = session_insert(
            &real_platform(),
            "service_sessions",
            &individual(),
            &fix,
            Dialect(BackendKind::Postgres),
        )
        .unwrap();
        let pairs: Vec<String> = insert
            .columns
            .iter()
            .zip(&insert.values)
            .map(|(c, v)| format!("{c}={v}"))
            .collect();
        assert_eq!(
            pairs,
            [
                "\"id\"=p.session_id",
                "\"service_id\"=b.\"service_id\"",
                "\"session_type\"='individual'",
                "\"visibility\"='private'",
                "\"start_time\"=b.\"start_time\"",
                "\"end_time\"=b.\"end_time\"",
                "\"max_participants\"=1",
                "\"current_participants\"=1",
                "\"created_at\"=CURRENT_TIMESTAMP",
                "\"updated_at\"=CURRENT_TIMESTAMP",
                "\"reschedule_count\"=0",
                "\"sequence_number\"=0",
                "\"status\"='scheduled'",
            ]
        );
        assert_eq!(
            insert.from_config,
            ["reschedule_count", "sequence_number", "status"]
        );
    }

    #[test]
    fn config_mistakes_are_named() {
        let refused = |column: &str, value: FixValue| {
            let mut fix = FixSettings::default();
            fix.session_defaults.insert(column.into(), value);
            session_insert(
                &real_platform(),
                "service_sessions",
                &individual(),
                &fix,
                Dialect(BackendKind::Sqlite),
            )
            .unwrap_err()
        };
        let err = refused("stauts", FixValue::Text("scheduled".into()));
        assert!(
            err.contains("names no column of service_sessions (did you mean status?)"),
            "{err}"
        );
        let err = refused("service_id", FixValue::Integer(3));
        assert!(
            err.contains("cannot be set: the repair derives service_id"),
            "{err}"
        );
    }
}
