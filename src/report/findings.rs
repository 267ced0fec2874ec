//! What a check found, as every renderer reads it: the cells and rows of its findings table,
//! the words that count them, and its offending ids (in memory or spooled to a file).

use chrono::{DateTime, Utc};

/// One value in a findings table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Time(DateTime<Utc>),
    Ids(Vec<i64>),
}

impl Cell {
    pub fn text(value: Option<String>) -> Cell {
        value.map_or(Cell::Null, Cell::Text)
    }

    pub fn time(value: Option<DateTime<Utc>>) -> Cell {
        value.map_or(Cell::Null, Cell::Time)
    }

    /// The plain-text form used by the table and CSV renderers.
    pub fn to_plain(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(v) => v.to_string(),
            Cell::Text(v) => v.clone(),
            Cell::Bool(v) => v.to_string(),
            Cell::Time(t) => format_time(t),
            Cell::Ids(ids) => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(" "),
        }
    }
}

/// "1 booking", "3 bookings": counts in summaries read as sentences.
pub fn count_of(n: i64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

/// "has" or "have", to agree with a count.
pub fn has(n: i64) -> &'static str {
    one_or_many(n, "has", "have")
}

/// The word that agrees with a count: `one` for 1, else `many` (a verb, "its"/"their").
pub fn one_or_many<'a>(n: i64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// RFC 3339 in UTC with a `Z`, fractional seconds only when there are any.
pub fn format_time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A check's findings table: named columns, rows in a deterministic order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Rows {
    pub fn new(columns: &[&'static str]) -> Self {
        Rows {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(
            row.len(),
            self.columns.len(),
            "row width must match the columns"
        );
        self.rows.push(row);
    }
}

/// A check's offending ids: in memory (up to `--sample`), or spooled to a temporary file when
/// every one was asked for (`--sample all`), so memory does not grow with the offenders.
#[derive(Debug, Clone)]
pub enum SampleIds {
    Memory(Vec<i64>),
    Spooled(std::sync::Arc<crate::spool::IdSpool>),
}

impl SampleIds {
    pub fn len(&self) -> usize {
        match self {
            SampleIds::Memory(ids) => ids.len(),
            SampleIds::Spooled(spool) => spool.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first `n` ids, in memory.
    pub fn first(&self, n: usize) -> std::io::Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(n.min(self.len()));
        let stop = std::io::ErrorKind::Interrupted;
        let read = self.visit(|id| {
            if ids.len() == n {
                return Err(stop.into());
            }
            ids.push(id);
            Ok(())
        });
        match read {
            Err(e) if e.kind() != stop => Err(e),
            _ => Ok(ids),
        }
    }

    /// Calls `f` with every id, in order.
    pub fn visit(&self, mut f: impl FnMut(i64) -> std::io::Result<()>) -> std::io::Result<()> {
        match self {
            SampleIds::Memory(ids) => ids.iter().try_for_each(|id| f(*id)),
            SampleIds::Spooled(spool) => spool.visit(f),
        }
    }
}

impl Default for SampleIds {
    fn default() -> Self {
        SampleIds::Memory(Vec::new())
    }
}

impl PartialEq for SampleIds {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (SampleIds::Memory(a), SampleIds::Memory(b)) => a == b,
            (SampleIds::Spooled(a), SampleIds::Spooled(b)) => std::sync::Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}
