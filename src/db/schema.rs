//! What tables and columns the audited database has, read once before any check runs.
//!
//! Lets the runner say "table X is missing, did you mean Y" (by name and by columns) instead of
//! passing the database's raw error along, and tell a missing column from a broken query.

use std::collections::BTreeMap;

use diesel::QueryableByName;
use diesel::sql_types::Text;

use super::snapshot::{QueryError, Snapshot};
use super::url::BackendKind;
use crate::sql::{Bindings, bind};

#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// table name -> column name -> declared type
    tables: BTreeMap<String, BTreeMap<String, String>>,
    /// What the server could not describe (MySQL's information_schema skips a table it cannot
    /// open and only warns), so "missing" can say why.
    warnings: Vec<String>,
}

#[derive(QueryableByName)]
struct Warning {
    #[diesel(sql_type = Text)]
    #[diesel(column_name = "Message")]
    message: String,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
}

impl Schema {
    pub async fn read(snapshot: &mut Snapshot) -> Result<Self, QueryError> {
        let template = match snapshot.backend() {
            BackendKind::Postgres => include_str!("../../queries/schema.postgres.sql"),
            BackendKind::Sqlite => include_str!("../../queries/schema.sqlite.sql"),
            BackendKind::Mysql => include_str!("../../queries/schema.mysql.sql"),
        };
        let query = bind(template, &Bindings::default())
            .map_err(|e| QueryError::Database(e.to_string()))?;
        let rows: Vec<ColumnRow> = snapshot.load(query).await?;
        let mut schema = Schema::default();
        if snapshot.backend() == BackendKind::Mysql {
            let query = bind("SHOW WARNINGS", &Bindings::default())
                .map_err(|e| QueryError::Database(e.to_string()))?;
            let warnings: Vec<Warning> = snapshot.load(query).await?;
            schema.warnings = warnings.into_iter().map(|w| w.message).collect();
            schema.warnings.dedup();
        }
        for row in rows {
            schema
                .tables
                .entry(row.table_name)
                .or_default()
                .insert(row.column_name, row.data_type);
        }
        Ok(schema)
    }

    /// A schema given rather than read: tests, and `session-audit sql`, which never connects.
    pub fn from_tables(tables: &[(&str, &[&str])]) -> Self {
        let tables = tables
            .iter()
            .map(|(t, cols)| {
                (
                    t.to_string(),
                    cols.iter()
                        .map(|c| (c.to_string(), "text".to_string()))
                        .collect(),
                )
            })
            .collect();
        Schema {
            tables,
            warnings: Vec::new(),
        }
    }

    /// Why the server could not describe some tables, if it said so.
    pub fn table_count(&self) -> usize {
        self.tables.len()
    }

    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }

    pub fn has_column(&self, table: &str, column: &str) -> bool {
        self.tables
            .get(table)
            .is_some_and(|cols| cols.contains_key(column))
    }

    /// The ones of `columns` that `table` lacks, in the order given.
    pub fn missing_columns<'c>(&self, table: &str, columns: &[&'c str]) -> Vec<&'c str> {
        columns
            .iter()
            .copied()
            .filter(|c| !self.has_column(table, c))
            .collect()
    }

    /// Existing tables that look like the one that was asked for: first those that have every
    /// column the check reads, then those with a similar name. At most five.
    pub fn candidates(&self, wanted: &str, columns: &[&str]) -> Vec<String> {
        let mut by_columns: Vec<&String> = self
            .tables
            .iter()
            .filter(|(_, cols)| {
                !columns.is_empty() && columns.iter().all(|c| cols.contains_key(*c))
            })
            .map(|(name, _)| name)
            .collect();
        let mut by_name: Vec<(f64, &String)> = self
            .tables
            .keys()
            .filter(|name| !by_columns.contains(name))
            .map(|name| {
                (
                    strsim::jaro_winkler(&name.to_lowercase(), &wanted.to_lowercase()),
                    name,
                )
            })
            .filter(|(score, _)| *score >= 0.8)
            .collect();
        by_name.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        by_columns.extend(by_name.into_iter().map(|(_, name)| name));
        by_columns.into_iter().take(5).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_come_by_columns_then_by_name() {
        let schema = Schema::from_tables(&[
            (
                "service_sessions",
                &["id", "session_type", "visibility", "start_time"],
            ),
            ("services_service", &["id", "name"]),
            ("auth_user", &["id", "username"]),
        ]);
        let found = schema.candidates("services_servicesession", &["session_type", "visibility"]);
        assert_eq!(found, vec!["service_sessions", "services_service"]);
    }
}
