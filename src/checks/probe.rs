//! After a check failed on a value it cannot read: which table, column and row hold it. Only
//! on that error path. Bytes and free-text times only SQLite keeps (the servers' typed columns
//! refuse them on the way in); a NULL where a value is needed any backend can hold.

use crate::db::{Schema, Snapshot};
use crate::settings::AuditSettings;
use crate::sql::Bindings;
use crate::vocab::{CheckId, TableRole};

/// Text that is not UTF-8 (only SQLite can hold it): which table, column and row, found by
/// reading the few non-ASCII values of the check's text columns as bytes. None when the
/// backend is not SQLite or no such row is found.
pub async fn locate_non_utf8(
    id: CheckId,
    snapshot: &mut Snapshot,
    schema: &Schema,
    settings: &AuditSettings,
) -> Option<String> {
    #[derive(diesel::QueryableByName)]
    struct Raw {
        #[diesel(sql_type = crate::db::types::AnyInteger)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Binary)]
        raw: Vec<u8>,
    }
    if snapshot.backend() != crate::db::BackendKind::Sqlite {
        return None;
    }
    for (role, columns) in id.spec().needs {
        let table = settings.table(*role);
        for column in *columns {
            let is_text = schema.column(table, column).is_some_and(|c| {
                let t = c.data_type.to_lowercase();
                t.contains("char") || t.contains("text") || t.is_empty()
            });
            if !is_text || *column == "id" {
                continue;
            }
            let bindings = Bindings::default()
                .identifier("source", table)
                .column("value_column", "t", column, true)
                .column("id_column", "t", "id", true);
            let query =
                crate::sql::bind(include_str!("../../queries/non_utf8_probe.sql"), &bindings)
                    .ok()?;
            let rows: Vec<Raw> = snapshot.load(query).await.ok()?;
            if let Some(bad) = rows.iter().find(|r| std::str::from_utf8(&r.raw).is_err()) {
                return Some(format!(
                    "{table}.{column} of the row with id {} is not UTF-8 text ({}); SQLite keeps whatever bytes were written: fix that value's encoding",
                    bad.id,
                    crate::error::one_line(&String::from_utf8_lossy(&bad.raw))
                ));
            }
        }
    }
    None
}

/// Times that are not timestamps (only SQLite keeps them as free text): the first rows of the
/// check's time columns that cannot be read, as "table.column ids 10, 11 (`next tuesday`)".
pub async fn locate_unreadable_times(
    id: CheckId,
    snapshot: &mut Snapshot,
    settings: &AuditSettings,
) -> Option<String> {
    #[derive(diesel::QueryableByName)]
    struct Unreadable {
        #[diesel(sql_type = crate::db::types::AnyInteger)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        value: Option<String>,
    }
    if snapshot.backend() != crate::db::BackendKind::Sqlite {
        return None;
    }
    let mut places = Vec::new();
    let roles = [TableRole::Sessions, TableRole::Bookings];
    let reads = |role: TableRole| {
        id.spec()
            .needs
            .iter()
            .chain(id.spec().skip_without)
            .any(|(r, _)| *r == role)
    };
    for role in roles.into_iter().filter(|r| reads(*r)) {
        let table = settings.table(role);
        for column in ["start_time", "end_time"] {
            let bindings = Bindings::default().identifier("source", table).column(
                "value_column",
                "t",
                column,
                true,
            );
            let Ok(query) = crate::sql::bind(
                include_str!("../../queries/unreadable_time_probe.sql"),
                &bindings,
            ) else {
                continue;
            };
            let Ok(rows) = snapshot.load::<Unreadable>(query).await else {
                continue; // the column may not exist in this table
            };
            if let Some(first) = rows.first() {
                let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
                places.push(format!(
                    "{table}.{column} ids {}, e.g. `{}`",
                    ids.join(", "),
                    crate::error::one_line(first.value.as_deref().unwrap_or(""))
                ));
            }
        }
    }
    (!places.is_empty()).then(|| places.join("; "))
}

/// NULL where the check needs a value: every column the check reads that holds NULL, with the
/// first ids, as "django_migrations.name ids 1, 2". A column that may be NULL by design (a
/// booking's session) is named too when it holds one: the operator sees every candidate.
pub async fn locate_nulls(
    id: CheckId,
    snapshot: &mut Snapshot,
    schema: &Schema,
    settings: &AuditSettings,
) -> Option<String> {
    #[derive(diesel::QueryableByName)]
    struct Null {
        #[diesel(sql_type = crate::db::types::AnyInteger)]
        id: i64,
    }
    let mut places = Vec::new();
    let spec = id.spec();
    for (role, columns) in spec.needs.iter().chain(spec.skip_without) {
        let table = settings.table(*role);
        for column in columns.iter().filter(|c| **c != "id") {
            if schema.column(table, column).is_none() || schema.column(table, "id").is_none() {
                continue;
            }
            let bindings = Bindings::default()
                .identifier("source", table)
                .column("value_column", "t", column, true)
                .column("id_column", "t", "id", true);
            let Ok(query) =
                crate::sql::bind(include_str!("../../queries/null_probe.sql"), &bindings)
            else {
                continue;
            };
            let Ok(rows) = snapshot.load::<Null>(query).await else {
                continue;
            };
            if !rows.is_empty() {
                let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
                places.push(format!("{table}.{column} ids {}", ids.join(", ")));
            }
        }
    }
    (!places.is_empty()).then(|| {
        format!(
            "NULL found in {}; give those rows a value (Django keeps some defaults in Python only)",
            places.join("; ")
        )
    })
}
