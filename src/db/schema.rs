//! What tables and columns the audited database has, read once before any check runs.
//!
//! Lets the runner say "table X is missing, did you mean Y" (by name and by columns) instead of
//! passing the database's raw error along, and tell a missing column from a broken query. Each
//! column also carries what a writer must know (NOT NULL, the database's default, a generated
//! id), so `fix-sql` writes INSERTs the real table accepts: Django keeps most model defaults in
//! Python, not in the database.

use std::collections::BTreeMap;

use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text};

use super::snapshot::{QueryError, Snapshot};
use super::url::BackendKind;
use crate::sql::{Bindings, bind};

/// One column as the database declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The declared type, as the backend names it (`timestamp with time zone`, `datetime(6)`…).
    pub data_type: String,
    pub nullable: bool,
    /// The database's own default expression, if any (Django's model defaults are not here).
    pub default: Option<String>,
    /// The database generates it (identity, serial, AUTO_INCREMENT, SQLite's rowid).
    pub generated: bool,
}

impl Column {
    /// An INSERT that leaves this column out fails: NOT NULL, no default, not generated.
    pub fn needs_a_value(&self) -> bool {
        !self.nullable && self.default.is_none() && !self.generated
    }
}

pub use crate::vocab::Rename;

#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// table name -> column name -> column
    tables: BTreeMap<String, BTreeMap<String, Column>>,
    /// Tables whose columns the config renames: (real name, name the queries see), for every
    /// column of the table, so `:"table"` binds to a projection that renames them.
    projections: BTreeMap<String, Vec<(String, String)>>,
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
    #[diesel(sql_type = Text)]
    is_nullable: String,
    #[diesel(sql_type = Nullable<Text>)]
    column_default: Option<String>,
    #[diesel(sql_type = Text)]
    is_generated: String,
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
            // MariaDB spells "no default" of a nullable column as the text NULL.
            let default = row
                .column_default
                .filter(|d| !d.eq_ignore_ascii_case("null"));
            let column = Column {
                data_type: row.data_type,
                nullable: row.is_nullable.eq_ignore_ascii_case("yes"),
                default,
                generated: row.is_generated == "YES",
            };
            schema
                .tables
                .entry(row.table_name)
                .or_default()
                .insert(row.column_name, column);
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
                        .map(|c| {
                            let column = Column {
                                data_type: "text".into(),
                                nullable: true,
                                default: None,
                                generated: false,
                            };
                            (c.to_string(), column)
                        })
                        .collect(),
                )
            })
            .collect();
        Schema {
            tables,
            ..Schema::default()
        }
    }

    /// One table with the columns given, for tests of code that reads column details.
    #[cfg(test)]
    pub fn from_columns(table: &str, columns: Vec<(&str, Column)>) -> Self {
        let columns = columns
            .into_iter()
            .map(|(name, column)| (name.to_owned(), column))
            .collect();
        Schema {
            tables: BTreeMap::from([(table.to_owned(), columns)]),
            ..Schema::default()
        }
    }

    /// The schema as the queries see it once `renames` apply: each renamed column under the
    /// name the audit uses (a real column of that name is hidden), and a projection recorded
    /// for its table. A rename whose real column does not exist is an error naming look-alikes.
    pub fn with_renames(mut self, renames: &[Rename]) -> Result<Self, String> {
        for rename in renames {
            let Some(columns) = self.tables.get(&rename.table) else {
                continue; // a missing table is the pre-flight's to report, with look-alikes
            };
            if !columns.contains_key(&rename.real) {
                let near = columns
                    .keys()
                    .map(|c| (strsim::jaro_winkler(c, &rename.real), c))
                    .filter(|(score, _)| *score >= 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, c)| format!(" (did you mean {c}?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "{} = \"{}\" names no column of {}{near}; fix the name in the config's [columns]",
                    rename.canonical, rename.real, rename.table
                ));
            }
        }
        let tables: std::collections::BTreeSet<&String> =
            renames.iter().map(|r| &r.table).collect();
        for table in tables {
            let Some(columns) = self.tables.get(table) else {
                continue;
            };
            let mine: Vec<&Rename> = renames.iter().filter(|r| &r.table == table).collect();
            let exposed = |real: &str| -> Option<String> {
                match mine.iter().find(|r| r.real == real) {
                    Some(r) => Some(r.canonical.clone()),
                    // Hidden: a renamed column takes its name.
                    None if mine.iter().any(|r| r.canonical == real) => None,
                    None => Some(real.to_owned()),
                }
            };
            let projection: Vec<(String, String)> = columns
                .keys()
                .filter_map(|real| exposed(real).map(|name| (real.clone(), name)))
                .collect();
            let logical = projection
                .iter()
                .filter_map(|(real, name)| columns.get(real).map(|c| (name.clone(), c.clone())))
                .collect();
            self.tables.insert(table.clone(), logical);
            self.projections.insert(table.clone(), projection);
        }
        Ok(self)
    }

    /// (real, exposed) column names of `table` when the config renames some of its columns.
    pub fn projection(&self, table: &str) -> Option<&[(String, String)]> {
        self.projections.get(table).map(Vec::as_slice)
    }

    /// How many tables were read.
    pub fn table_count(&self) -> usize {
        self.tables.len()
    }

    /// Why the server could not describe some tables, if it said so.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }

    /// The columns of `table` by name, if it exists.
    pub fn columns(&self, table: &str) -> Option<&BTreeMap<String, Column>> {
        self.tables.get(table)
    }

    pub fn column(&self, table: &str, column: &str) -> Option<&Column> {
        self.tables.get(table).and_then(|cols| cols.get(column))
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
