//! What a table placeholder can stand for besides the table: a view that renames columns (the
//! config's `[columns]`) and leaves out soft-deleted rows, every name quoted by the driver.

use super::BoundPiece;

/// How a soft-deleted row is marked (the real platform's bookings have both columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SoftDelete {
    /// A boolean (or 0/1) column such as `is_deleted`: deleted when true.
    Flag(String),
    /// A timestamp column such as `deleted_at`: deleted when set.
    Stamp(String),
}

/// What a `:"name"` placeholder stands for: a table, or a view of it.
#[derive(Debug, Clone)]
pub(super) enum Relation {
    Table(String),
    /// `(SELECT <columns> FROM table [WHERE <not deleted>])`: the columns renamed to the names
    /// the queries use (`"session_ref" AS "service_session_id"`), and live rows only.
    View {
        table: String,
        columns: Option<Vec<(String, String)>>,
        deleted: Option<SoftDelete>,
    },
}

/// `(SELECT <columns> FROM table [WHERE not deleted])`, every name quoted by the driver.
pub(super) fn push_view(
    pieces: &mut Vec<BoundPiece>,
    table: &str,
    columns: Option<&[(String, String)]>,
    deleted: Option<&SoftDelete>,
) {
    pieces.push(BoundPiece::Sql("(SELECT "));
    match columns {
        None => pieces.push(BoundPiece::Sql("*")),
        Some(columns) => {
            for (i, (real, exposed)) in columns.iter().enumerate() {
                if i > 0 {
                    pieces.push(BoundPiece::Comma);
                }
                pieces.push(BoundPiece::Identifier(real.clone()));
                if real != exposed {
                    pieces.push(BoundPiece::Sql(" AS "));
                    pieces.push(BoundPiece::Identifier(exposed.clone()));
                }
            }
        }
    }
    pieces.push(BoundPiece::Sql(" FROM "));
    pieces.push(BoundPiece::Identifier(table.to_owned()));
    match deleted {
        None => {}
        // CASE WHEN reads a boolean on PostgreSQL and 0/1 elsewhere alike.
        Some(SoftDelete::Flag(column)) => {
            pieces.push(BoundPiece::Sql(" WHERE CASE WHEN "));
            pieces.push(BoundPiece::Identifier(column.clone()));
            pieces.push(BoundPiece::Sql(" THEN 1 ELSE 0 END = 0"));
        }
        Some(SoftDelete::Stamp(column)) => {
            pieces.push(BoundPiece::Sql(" WHERE "));
            pieces.push(BoundPiece::Identifier(column.clone()));
            pieces.push(BoundPiece::Sql(" IS NULL"));
        }
    }
    pieces.push(BoundPiece::Sql(")"));
}
