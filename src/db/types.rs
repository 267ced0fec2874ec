//! An integer column of any width, read as `i64`.
//!
//! Django's ids are `bigint` since 3.2 (`BigAutoField`) and `integer` in older projects; diesel's
//! PostgreSQL reader refuses a 4-byte value read as `BigInt`, and MySQL has no
//! `CAST(… AS BIGINT)` to make every backend agree in SQL. So the queries return ids as they
//! are and this type reads 2, 4 or 8 bytes on PostgreSQL; SQLite and MySQL already accept any
//! integer width as `BigInt`.

use diesel::deserialize::{self, FromSql};
use diesel::sql_types::{BigInt, SqlType};

#[derive(Debug, Clone, Copy, SqlType, diesel::query_builder::QueryId)]
#[diesel(postgres_type(oid = 20, array_oid = 1016))]
#[diesel(sqlite_type(name = "Long"))]
#[diesel(mysql_type(name = "LongLong"))]
pub struct AnyInteger;

#[cfg(feature = "postgres")]
impl FromSql<AnyInteger, diesel::pg::Pg> for i64 {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> deserialize::Result<Self> {
        use diesel::pg::Pg;
        use diesel::sql_types::{Integer, SmallInt};
        match value.as_bytes().len() {
            2 => <i16 as FromSql<SmallInt, Pg>>::from_sql(value).map(i64::from),
            4 => <i32 as FromSql<Integer, Pg>>::from_sql(value).map(i64::from),
            _ => <i64 as FromSql<BigInt, Pg>>::from_sql(value),
        }
    }
}

impl FromSql<AnyInteger, diesel::sqlite::Sqlite> for i64 {
    fn from_sql(value: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        <i64 as FromSql<BigInt, diesel::sqlite::Sqlite>>::from_sql(value)
    }
}

#[cfg(feature = "mysql")]
impl FromSql<AnyInteger, diesel::mysql::Mysql> for i64 {
    fn from_sql(value: diesel::mysql::MysqlValue<'_>) -> deserialize::Result<Self> {
        <i64 as FromSql<BigInt, diesel::mysql::Mysql>>::from_sql(value)
    }
}

/// The one column every `queries/*_sample.sql` returns.
#[derive(diesel::QueryableByName)]
pub struct IdRow {
    #[diesel(sql_type = AnyInteger)]
    pub id: i64,
}
