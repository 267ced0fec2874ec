//! How the repair script writes names and values for the database it will run on.
//!
//! Identifiers are quoted as the drivers quote them; text literals with single quotes doubled
//! (and backslashes doubled on MySQL, where they escape by default). Nothing the script contains
//! comes from the database or the config unquoted.

use crate::db::BackendKind;
use crate::settings::FixValue;

#[derive(Debug, Clone, Copy)]
pub struct Dialect(pub BackendKind);

impl Dialect {
    pub fn ident(self, name: &str) -> String {
        match self.0 {
            BackendKind::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    pub fn text(self, value: &str) -> String {
        let value = value.replace('\'', "''");
        match self.0 {
            BackendKind::Mysql => format!("'{}'", value.replace('\\', "\\\\")),
            _ => format!("'{value}'"),
        }
    }

    pub fn optional_text(self, value: Option<&str>) -> String {
        value.map_or_else(|| "NULL".to_owned(), |v| self.text(v))
    }

    pub fn value(self, value: &FixValue) -> String {
        match value {
            FixValue::Text(s) => self.text(s),
            FixValue::Integer(i) => i.to_string(),
            FixValue::Float(f) => format!("{f:?}"),
            FixValue::Bool(b) => match (self.0, b) {
                (BackendKind::Postgres, true) => "TRUE".into(),
                (BackendKind::Postgres, false) => "FALSE".into(),
                (_, b) => u8::from(*b).to_string(),
            },
        }
    }

    /// The current time, in the form Django stores it on this backend (UTC).
    pub fn now(self) -> &'static str {
        match self.0 {
            BackendKind::Postgres => "CURRENT_TIMESTAMP",
            BackendKind::Mysql => "UTC_TIMESTAMP(6)",
            BackendKind::Sqlite => "strftime('%Y-%m-%d %H:%M:%f', 'now')",
        }
    }

    /// Whole minutes from `start` to `end` (SQL expressions), as Django's `duration` counts them.
    pub fn minutes_between(self, start: &str, end: &str) -> String {
        match self.0 {
            BackendKind::Postgres => {
                format!("CAST(round(EXTRACT(EPOCH FROM ({end} - {start})) / 60) AS integer)")
            }
            BackendKind::Mysql => format!("TIMESTAMPDIFF(MINUTE, {start}, {end})"),
            BackendKind::Sqlite => {
                format!("CAST(round((julianday({end}) - julianday({start})) * 1440) AS INTEGER)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_literals_are_quoted_per_dialect() {
        let pg = Dialect(BackendKind::Postgres);
        assert_eq!(pg.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(pg.text("it's"), "'it''s'");
        assert_eq!(pg.value(&FixValue::Bool(true)), "TRUE");
        let my = Dialect(BackendKind::Mysql);
        assert_eq!(my.ident("a`b"), "`a``b`");
        assert_eq!(my.text("a\\'b"), "'a\\\\''b'");
        assert_eq!(my.optional_text(None), "NULL");
        assert_eq!(my.value(&FixValue::Bool(false)), "0");
        assert_eq!(my.value(&FixValue::Float(1.5)), "1.5");
    }
}
