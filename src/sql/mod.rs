//! SQL templates from `queries/*.sql`, bound to table names and values at run time.
//!
//! A template is plain SQL with psql's variable syntax: `:"name"` is an identifier (a table
//! name from the configuration) and `:name` a value or a list of values. Identifiers are quoted
//! by the backend's own query builder (`push_identifier`) and values become bind parameters, so
//! nothing from configuration is ever spliced into SQL text. Because the syntax is psql's, a DBA
//! can run a PostgreSQL template as it is: `psql -v bookings=bookings_booking -f queries/…`.
//!
//! A value placeholder can also stand for a column that a schema may lack (`:legacy_start` is
//! `b."start_time"`, or `NULL` once a cleanup migration dropped it) or for the `WHEN … THEN …`
//! arms of a `CASE` built from configuration; both are still quoted or bound, never spliced.
//!
//! `:exact_…` placeholders stand for a text column compared byte for byte: the column itself on
//! PostgreSQL and SQLite, `CAST(col AS BINARY)` on MySQL/MariaDB, whose usual collations ignore
//! case and trailing spaces (there `Workshop` and `workshop ` would equal `workshop`, and
//! MariaDB does not make a comparison exact for a binary parameter, only for a binary column).
//!
//! A table placeholder can stand for the table's live rows only: where bookings are
//! soft-deleted (`is_deleted`, `deleted_at`), `:"bookings"` is `(SELECT * FROM "bookings_booking"
//! WHERE … not deleted)`, so every check audits live bookings, and `:"all_bookings"` is the table.
//!
//! Limits: placeholders inside string literals, quoted identifiers and `--` comments are left
//! alone; `::` casts are not placeholders; a list placeholder must not be empty (`IN ()` is not
//! SQL), which [`bind`] refuses.

use std::collections::BTreeMap;

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Text, Untyped};

mod view;

pub use view::SoftDelete;
use view::{Relation, push_view};

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'t> {
    Sql(&'t str),
    Identifier(&'t str),
    Values(&'t str),
}

/// A value a `:name` placeholder stands for.
#[derive(Debug, Clone)]
pub enum BindValue {
    Text(Vec<String>),
    Int(i64),
    Ints(Vec<i64>),
    /// `alias."column"`, or `NULL` when the schema has no such column.
    Column(Option<(&'static str, String)>),
    /// `alias."column"`, wrapped in `CAST(… AS BINARY)` when `binary`.
    ExactColumn {
        alias: &'static str,
        column: String,
        binary: bool,
    },
    /// `WHEN ? THEN ?` arms, for `CASE x :name ELSE … END`.
    Cases(Vec<(String, String)>),
}

/// What the placeholders of a template stand for.
#[derive(Debug, Clone, Default)]
pub struct Bindings {
    identifiers: BTreeMap<&'static str, Relation>,
    values: BTreeMap<&'static str, BindValue>,
}

impl Bindings {
    pub fn identifier(mut self, name: &'static str, value: &str) -> Self {
        self.identifiers
            .insert(name, Relation::Table(value.to_owned()));
        self
    }

    /// `:"name"` stands for `table` seen through `columns` ((real, exposed) names, when the
    /// config renames some) and without its soft-deleted rows (when `deleted` says how they are
    /// marked, by their real column); for the table itself when neither applies.
    pub fn view(
        mut self,
        name: &'static str,
        table: &str,
        columns: Option<&[(String, String)]>,
        deleted: Option<SoftDelete>,
    ) -> Self {
        if columns.is_none() && deleted.is_none() {
            return self.identifier(name, table);
        }
        self.identifiers.insert(
            name,
            Relation::View {
                table: table.to_owned(),
                columns: columns.map(<[_]>::to_vec),
                deleted,
            },
        );
        self
    }

    pub fn texts(mut self, name: &'static str, values: &[String]) -> Self {
        self.values.insert(name, BindValue::Text(values.to_vec()));
        self
    }

    pub fn int(mut self, name: &'static str, value: i64) -> Self {
        self.values.insert(name, BindValue::Int(value));
        self
    }

    pub fn ints(mut self, name: &'static str, values: &[i64]) -> Self {
        self.values.insert(name, BindValue::Ints(values.to_vec()));
        self
    }

    /// `:name` stands for `alias."column"` when `present`, else for `NULL`.
    pub fn column(
        mut self,
        name: &'static str,
        alias: &'static str,
        column: &str,
        present: bool,
    ) -> Self {
        self.values.insert(
            name,
            BindValue::Column(present.then(|| (alias, column.to_owned()))),
        );
        self
    }

    /// `:name` stands for `alias."column"` compared byte for byte (see the module docs).
    pub fn exact_column(
        mut self,
        name: &'static str,
        alias: &'static str,
        column: &str,
        binary: bool,
    ) -> Self {
        self.values.insert(
            name,
            BindValue::ExactColumn {
                alias,
                column: column.to_owned(),
                binary,
            },
        );
        self
    }

    pub fn cases(mut self, name: &'static str, arms: &[(String, String)]) -> Self {
        self.values.insert(name, BindValue::Cases(arms.to_vec()));
        self
    }
}

/// A template turned into a runnable query: literal SQL, quoted identifiers and binds.
#[derive(Debug, Clone)]
pub struct BoundQuery {
    pieces: Vec<BoundPiece>,
}

/// A value a bound query sends, in placeholder order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal<'q> {
    Text(&'q str),
    Int(i64),
}

#[derive(Debug, Clone)]
enum BoundPiece {
    Sql(&'static str),
    Identifier(String),
    Text(String),
    Int(i64),
    Comma,
}

impl BoundQuery {
    /// The values it binds, in the order of its placeholders (for a script that binds them
    /// the way a client does: see `client_script`).
    pub fn literals(&self) -> Vec<Literal<'_>> {
        self.pieces
            .iter()
            .filter_map(|piece| match piece {
                BoundPiece::Text(value) => Some(Literal::Text(value)),
                BoundPiece::Int(value) => Some(Literal::Int(*value)),
                BoundPiece::Sql(_) | BoundPiece::Identifier(_) | BoundPiece::Comma => None,
            })
            .collect()
    }

    /// The same query behind `prefix` (`EXPLAIN `, `EXPLAIN QUERY PLAN `).
    pub fn prefixed(self, prefix: &'static str) -> BoundQuery {
        let mut pieces = vec![BoundPiece::Sql(prefix)];
        pieces.extend(self.pieces);
        BoundQuery { pieces }
    }

    /// `SELECT o.id AS id FROM (inner) AS o WHERE o.id IN (ids)`: which of `ids` the inner
    /// query (one `id` column) returns. Used to match waivers without fetching every id.
    pub fn ids_among(self, ids: &[i64]) -> Result<BoundQuery, TemplateError> {
        if ids.is_empty() {
            return Err(TemplateError::EmptyList("ids".into()));
        }
        let mut pieces = vec![BoundPiece::Sql("SELECT o.id AS id FROM (")];
        pieces.extend(self.pieces);
        pieces.push(BoundPiece::Sql(") AS o WHERE o.id IN ("));
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                pieces.push(BoundPiece::Comma);
            }
            pieces.push(BoundPiece::Int(*id));
        }
        pieces.push(BoundPiece::Sql(")"));
        Ok(BoundQuery { pieces })
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    #[error("the query template uses :\"{0}\" but no table name was given for it")]
    UnboundIdentifier(String),
    #[error("the query template uses :{0} but no value was given for it")]
    UnboundValue(String),
    #[error("the list given for :{0} is empty; it needs at least one value")]
    EmptyList(String),
}

/// Binds `template` (a `queries/*.sql` file) with `bindings`.
pub fn bind(template: &'static str, bindings: &Bindings) -> Result<BoundQuery, TemplateError> {
    let mut pieces = Vec::new();
    for piece in parse(template) {
        match piece {
            Piece::Sql(sql) => pieces.push(BoundPiece::Sql(sql)),
            Piece::Identifier(name) => {
                let value = bindings
                    .identifiers
                    .get(name)
                    .ok_or_else(|| TemplateError::UnboundIdentifier(name.to_owned()))?;
                match value {
                    Relation::Table(table) => pieces.push(BoundPiece::Identifier(table.clone())),
                    Relation::View {
                        table,
                        columns,
                        deleted,
                    } => push_view(&mut pieces, table, columns.as_deref(), deleted.as_ref()),
                }
            }
            Piece::Values(name) => match bindings.values.get(name) {
                None => return Err(TemplateError::UnboundValue(name.to_owned())),
                Some(BindValue::Int(v)) => pieces.push(BoundPiece::Int(*v)),
                Some(BindValue::Text(list)) if list.is_empty() => {
                    return Err(TemplateError::EmptyList(name.to_owned()));
                }
                Some(BindValue::Text(list)) => {
                    for (i, v) in list.iter().enumerate() {
                        if i > 0 {
                            pieces.push(BoundPiece::Comma);
                        }
                        pieces.push(BoundPiece::Text(v.clone()));
                    }
                }
                Some(BindValue::Ints(list)) if list.is_empty() => {
                    return Err(TemplateError::EmptyList(name.to_owned()));
                }
                Some(BindValue::Ints(list)) => {
                    for (i, v) in list.iter().enumerate() {
                        if i > 0 {
                            pieces.push(BoundPiece::Comma);
                        }
                        pieces.push(BoundPiece::Int(*v));
                    }
                }
                Some(BindValue::Column(None)) => pieces.push(BoundPiece::Sql("NULL")),
                Some(BindValue::Column(Some((alias, column)))) => {
                    pieces.push(BoundPiece::Sql(alias));
                    pieces.push(BoundPiece::Sql("."));
                    pieces.push(BoundPiece::Identifier(column.clone()));
                }
                Some(BindValue::ExactColumn {
                    alias,
                    column,
                    binary,
                }) => {
                    if *binary {
                        pieces.push(BoundPiece::Sql("CAST("));
                    }
                    pieces.push(BoundPiece::Sql(alias));
                    pieces.push(BoundPiece::Sql("."));
                    pieces.push(BoundPiece::Identifier(column.clone()));
                    if *binary {
                        pieces.push(BoundPiece::Sql(" AS BINARY)"));
                    }
                }
                Some(BindValue::Cases(arms)) if arms.is_empty() => {
                    return Err(TemplateError::EmptyList(name.to_owned()));
                }
                Some(BindValue::Cases(arms)) => {
                    for (when, then) in arms {
                        pieces.push(BoundPiece::Sql(" WHEN "));
                        pieces.push(BoundPiece::Text(when.clone()));
                        pieces.push(BoundPiece::Sql(" THEN "));
                        pieces.push(BoundPiece::Text(then.clone()));
                    }
                    pieces.push(BoundPiece::Sql(" "));
                }
            },
        }
    }
    Ok(BoundQuery { pieces })
}

/// Splits a template into SQL text and placeholders. Never fails: anything that is not a
/// well-formed placeholder stays SQL, for the database to judge.
fn parse(template: &str) -> Vec<Piece<'_>> {
    let bytes = template.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // Skip literals, quoted identifiers and comments whole.
            quote @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b':' if bytes.get(i + 1) == Some(&b':') => i += 2,
            b':' => {
                let (piece, len) = match bytes.get(i + 1) {
                    Some(b'"') => {
                        let name_len = name_length(&bytes[i + 2..]);
                        if name_len > 0 && bytes.get(i + 2 + name_len) == Some(&b'"') {
                            let name = &template[i + 2..i + 2 + name_len];
                            (Some(Piece::Identifier(name)), name_len + 3)
                        } else {
                            (None, 1)
                        }
                    }
                    _ => {
                        let name_len = name_length(&bytes[i + 1..]);
                        let name = &template[i + 1..i + 1 + name_len];
                        ((name_len > 0).then_some(Piece::Values(name)), name_len + 1)
                    }
                };
                if let Some(piece) = piece {
                    if start < i {
                        pieces.push(Piece::Sql(&template[start..i]));
                    }
                    pieces.push(piece);
                    start = i + len;
                }
                i += len;
            }
            _ => i += 1,
        }
    }
    if start < template.len() {
        pieces.push(Piece::Sql(&template[start..]));
    }
    pieces
}

fn name_length(bytes: &[u8]) -> usize {
    match bytes.first() {
        Some(b) if b.is_ascii_lowercase() || *b == b'_' => bytes
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || **b == b'_')
            .count(),
        _ => 0,
    }
}

impl<DB> QueryFragment<DB> for BoundQuery
where
    DB: Backend + HasSqlType<Text> + HasSqlType<BigInt>,
    str: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for piece in &self.pieces {
            match piece {
                BoundPiece::Sql(sql) => out.push_sql(sql),
                BoundPiece::Identifier(name) => out.push_identifier(name)?,
                BoundPiece::Text(value) => out.push_bind_param::<Text, str>(value.as_str())?,
                BoundPiece::Int(value) => out.push_bind_param::<BigInt, i64>(value)?,
                BoundPiece::Comma => out.push_sql(", "),
            }
        }
        Ok(())
    }
}

impl QueryId for BoundQuery {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for BoundQuery {
    type SqlType = Untyped;
}

/// For diesel's synchronous row iterator (`load_iter`), which SQLite's spool uses.
impl<Conn> diesel::RunQueryDsl<Conn> for BoundQuery {}

#[cfg(test)]
mod tests;
