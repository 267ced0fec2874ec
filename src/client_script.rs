//! The script `session-audit sql` prints: every query of an audit as its dialect's own client
//! runs it, unchanged (`psql -f`, `sqlite3 -readonly db < file`, `mysql db < file`), inside
//! one read-only transaction that it rolls back, each value bound the way that client binds
//! values, so nothing is spliced into a query's text there either:
//! - psql: `PREPARE name (types) AS …; EXECUTE name(values);` (typed: `NULL IN ($3)` gives
//!   PostgreSQL nothing to infer a type from);
//! - sqlite3: `.parameter set ?N value` before the query, `.parameter clear` after;
//! - mysql/mariadb: `SET @v = …; PREPARE q FROM '…'; EXECUTE q USING @v;`.

use std::fmt::Write as _;

use crate::db::BackendKind;
use crate::sql::Literal;

/// One query, ready for a script.
pub struct ScriptQuery<'q> {
    /// The template file it comes from (`booking_join.postgres.sql`).
    pub file: &'static str,
    /// Its SQL with the backend's placeholders (`$1` on PostgreSQL, `?` elsewhere).
    pub sql: String,
    pub literals: Vec<Literal<'q>>,
    /// PostgreSQL settings the audit plans this query with (`SET LOCAL`), as (name, value).
    pub settings: Vec<(&'static str, String)>,
}

/// A script being written for one client.
pub struct Script {
    backend: BackendKind,
    out: String,
    prepared: usize,
}

impl Script {
    /// Starts the script: `header` (comment lines without their `-- `), how to run it, and
    /// the read-only transaction.
    pub fn new(backend: BackendKind, header: &[String]) -> Script {
        let mut out = String::new();
        for line in header.iter().chain(run_it(backend).iter()) {
            let _ = writeln!(out, "-- {line}");
        }
        out.push('\n');
        out.push_str(match backend {
            BackendKind::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n",
            // No `PRAGMA query_only`: it would also stop `.parameter set`, which writes a
            // temp table; `-readonly` keeps the database itself untouched.
            BackendKind::Sqlite => "BEGIN;\n",
            BackendKind::Mysql => {
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ;\n\
                 START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY;\n"
            }
        });
        Script {
            backend,
            out,
            prepared: 0,
        }
    }

    /// A comment line between queries.
    pub fn comment(&mut self, line: &str) {
        let _ = writeln!(self.out, "-- {line}");
    }

    pub fn blank_line(&mut self) {
        self.out.push('\n');
    }

    pub fn query(&mut self, query: &ScriptQuery<'_>) {
        let (comments, body) = split_comments(&query.sql);
        let _ = writeln!(self.out, "\n-- queries/{}", query.file);
        for line in comments {
            let _ = writeln!(self.out, "{line}");
        }
        let postgres = self.backend == BackendKind::Postgres;
        if postgres {
            for (name, value) in &query.settings {
                let _ = writeln!(self.out, "SET LOCAL {name} = {value};");
            }
        }
        if query.literals.is_empty() {
            let _ = writeln!(self.out, "{body};");
        } else {
            self.prepared += 1;
            let n = self.prepared;
            match self.backend {
                BackendKind::Postgres => self.psql_prepared(n, &body, &query.literals),
                BackendKind::Sqlite => self.sqlite_bound(&body, &query.literals),
                BackendKind::Mysql => self.mysql_prepared(n, &body, &query.literals),
            }
        }
        if postgres {
            for (name, _) in &query.settings {
                let _ = writeln!(self.out, "SET LOCAL {name} TO DEFAULT;");
            }
        }
    }

    /// Ends the transaction (nothing was written: it is rolled back) and returns the script.
    pub fn finish(mut self) -> String {
        self.out.push_str("\nROLLBACK;\n");
        self.out
    }

    fn psql_prepared(&mut self, n: usize, body: &str, literals: &[Literal<'_>]) {
        let types: Vec<&str> = literals
            .iter()
            .map(|l| match l {
                Literal::Text(_) => "text",
                Literal::Int(_) => "bigint",
            })
            .collect();
        let values: Vec<String> = literals.iter().map(sql_literal).collect();
        let _ = writeln!(
            self.out,
            "PREPARE session_audit_{n} ({}) AS\n{body};\nEXECUTE session_audit_{n}({});\nDEALLOCATE session_audit_{n};",
            types.join(", "),
            values.join(", ")
        );
    }

    fn sqlite_bound(&mut self, body: &str, literals: &[Literal<'_>]) {
        for (i, literal) in literals.iter().enumerate() {
            let value = match literal {
                Literal::Int(v) => v.to_string(),
                // The shell splits a dot-command's arguments itself: in double quotes the
                // whole SQL literal is one argument (its backslash escapes resolved first).
                Literal::Text(_) => shell_quoted(&sql_literal(literal)),
            };
            let _ = writeln!(self.out, ".parameter set ?{} {value}", i + 1);
        }
        let _ = writeln!(self.out, "{body};\n.parameter clear");
    }

    fn mysql_prepared(&mut self, n: usize, body: &str, literals: &[Literal<'_>]) {
        let variables: Vec<String> = (1..=literals.len())
            .map(|i| format!("@session_audit_{n}_{i}"))
            .collect();
        let assignments: Vec<String> = variables
            .iter()
            .zip(literals)
            .map(|(variable, literal)| format!("{variable} = {}", mysql_literal(literal)))
            .collect();
        let _ = writeln!(
            self.out,
            "SET {};\nPREPARE session_audit_{n} FROM {};\nEXECUTE session_audit_{n} USING {};\nDEALLOCATE PREPARE session_audit_{n};",
            assignments.join(", "),
            mysql_literal(&Literal::Text(body)),
            variables.join(", ")
        );
    }
}

/// How to feed the script to the dialect's client.
fn run_it(backend: BackendKind) -> [String; 2] {
    match backend {
        BackendKind::Postgres => [
            "Run it: psql \"$DATABASE_URL\" -X -f audit.sql (add -v ON_ERROR_STOP=1 to stop at"
                .into(),
            "the first error). It changes nothing: the transaction is read-only, then rolled back."
                .into(),
        ],
        BackendKind::Sqlite => [
            "Run it: sqlite3 -readonly db.sqlite3 < audit.sql (add -bail to stop at the first"
                .into(),
            "error). It changes nothing: the database is opened read-only.".into(),
        ],
        BackendKind::Mysql => [
            "Run it: mysql -h HOST -u USER DATABASE < audit.sql (add --force to go on after an"
                .into(),
            "error). It changes nothing: the transaction is read-only, then rolled back.".into(),
        ],
    }
}

/// The template's leading comment lines (without its "Run by hand" lines: the script is run
/// whole, as its header says) and the query after them.
fn split_comments(sql: &str) -> (Vec<&str>, String) {
    let mut comments = Vec::new();
    let mut lines = sql.lines().peekable();
    let mut continued = false;
    while let Some(line) = lines.next_if(|l| l.trim_start().starts_with("--")) {
        let run_by_hand = continued || line.contains("Run by hand:");
        continued = run_by_hand && line.trim_end().ends_with('\\');
        if !run_by_hand {
            comments.push(line);
        }
    }
    let body: Vec<&str> = lines.collect();
    (comments, body.join("\n").trim_end().to_owned())
}

/// A standard SQL literal: `'text'` with quotes doubled, or a plain integer.
fn sql_literal(literal: &Literal<'_>) -> String {
    match literal {
        Literal::Text(text) => format!("'{}'", text.replace('\'', "''")),
        Literal::Int(value) => value.to_string(),
    }
}

/// MySQL's string literals also take backslash escapes (unless `NO_BACKSLASH_ESCAPES`).
fn mysql_literal(literal: &Literal<'_>) -> String {
    match literal {
        Literal::Text(text) => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''")),
        Literal::Int(value) => value.to_string(),
    }
}

/// One argument of a sqlite3 dot-command, in double quotes with the shell's escapes.
fn shell_quoted(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '"' => quoted.push_str("\\\""),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_by_hand_lines_and_their_continuations_are_left_out() {
        let sql = "-- what it counts\n-- Run by hand: psql -v a=b \\\n--   -v c=d -f x.sql\n-- why\nSELECT 1\nFROM t\n";
        let (comments, body) = split_comments(sql);
        assert_eq!(comments, ["-- what it counts", "-- why"]);
        assert_eq!(body, "SELECT 1\nFROM t");
    }

    #[test]
    fn values_are_quoted_for_each_client() {
        assert_eq!(sql_literal(&Literal::Text("it's")), "'it''s'");
        assert_eq!(mysql_literal(&Literal::Text("a\\'b")), "'a\\\\''b'");
        assert_eq!(shell_quoted("'say \"hi\"\\'"), "\"'say \\\"hi\\\"\\\\'\"");
    }
}
