//! Templates bind as the module docs promise: identifiers quoted, values bound, views built.

use super::*;

#[test]
fn placeholders_are_found_outside_literals_comments_and_casts() {
    let pieces = parse(
        "-- :\"not\" a placeholder\nSELECT x::text, ':skip' FROM :\"bookings\" WHERE s IN (:statuses)",
    );
    assert_eq!(
        pieces,
        vec![
            Piece::Sql("-- :\"not\" a placeholder\nSELECT x::text, ':skip' FROM "),
            Piece::Identifier("bookings"),
            Piece::Sql(" WHERE s IN ("),
            Piece::Values("statuses"),
            Piece::Sql(")"),
        ]
    );
}

#[test]
fn unbound_and_empty_placeholders_are_errors() {
    let b = Bindings::default();
    assert_eq!(
        bind("SELECT 1 FROM :\"t\"", &b).unwrap_err(),
        TemplateError::UnboundIdentifier("t".into())
    );
    let b = Bindings::default().texts("v", &[]);
    assert_eq!(
        bind("SELECT :v", &b).unwrap_err(),
        TemplateError::EmptyList("v".into())
    );
}

#[test]
fn optional_columns_and_case_arms_render_as_sql() {
    let b = Bindings::default()
        .column("legacy", "b", "start_time", true)
        .column("gone", "b", "end_time", false)
        .cases("map", &[("course".into(), "course_session".into())]);
    let q = bind("SELECT :legacy, :gone, CASE c :map ELSE 'x' END", &b).unwrap();
    let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&q).to_string();
    assert!(
        sql.starts_with("SELECT b.`start_time`, NULL, CASE c  WHEN ? THEN ?  ELSE 'x' END"),
        "{sql}"
    );
}

#[test]
fn ids_among_wraps_the_inner_query() {
    let inner = bind("SELECT id FROM t", &Bindings::default()).unwrap();
    let q = inner.ids_among(&[3, 5]).unwrap();
    let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&q).to_string();
    assert!(
        sql.starts_with("SELECT o.id AS id FROM (SELECT id FROM t) AS o WHERE o.id IN (?, ?)"),
        "{sql}"
    );
}

#[test]
fn hostile_table_names_are_quoted_not_spliced() {
    let b = Bindings::default().identifier("t", "x\"; DROP TABLE y; --");
    let q = bind("SELECT 1 FROM :\"t\"", &b).unwrap();
    let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&q).to_string();
    assert!(
        sql.starts_with("SELECT 1 FROM `x\"; DROP TABLE y; --`"),
        "{sql}"
    );
}
