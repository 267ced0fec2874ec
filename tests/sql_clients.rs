//! `session-audit sql` fed to its dialect's own client exactly as its header says
//! (`psql -f`, `sqlite3 -readonly db < file`, `mysql db < file`), with and without the
//! client's stop-on-error option, twice: every statement runs without an error, the values
//! are bound (the coverage sample finds the very bookings the audit names), and the script
//! changes nothing.

use crate::support::clients::{Client, available, dump, program, read};
use crate::support::django::{self, BookingSpec};
use crate::support::{Backend, TestDb, bin, run};

/// Bookings without a session: the coverage sample must list exactly these ids, in order.
const WITHOUT_SESSION: [BookingSpec; 4] = [
    (10, 1, None, "confirmed", Some((2, 9))),
    (11, 2, None, "confirmed", Some((1, 10))),
    (13, 1, None, "draft", None),
    (14, 1, None, "pending_payment", Some((3, 9))),
];

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
        Backend::Mysql => "mysql",
    }
}

fn read_twice(db: &dyn TestDb, client: Client) {
    if !available(program(client)) {
        return;
    }
    django::create(db, &WITHOUT_SESSION);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("session-audit.toml");
    std::fs::write(&config, django::CONFIG).unwrap();
    let sql = run(bin().args([
        "sql",
        "--config",
        config.to_str().unwrap(),
        "--backend",
        backend_name(db.backend()),
    ]));
    assert_eq!(sql.code, 0, "{}", sql.stderr);
    let script = dir.path().join("audit.sql");
    std::fs::write(&script, &sql.stdout).unwrap();

    let before = dump(db);
    let mut outputs = Vec::new();
    for round in 1..=2 {
        let output = read(client, db, &script);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            output.status.success() && !stderr.to_lowercase().contains("error"),
            "{client:?}, run {round}: exit {:?}\n{stderr}\n{stdout}",
            output.status.code()
        );
        let lines: Vec<&str> = stdout.lines().map(str::trim).collect();
        assert!(
            lines.windows(4).any(|w| w == ["10", "11", "13", "14"]),
            "{client:?}, run {round}: the coverage sample's ids are not in the output:\n{stdout}"
        );
        outputs.push(stdout);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "{client:?}: a second run answered otherwise"
    );
    assert_eq!(
        dump(db),
        before,
        "{client:?}: the script changed the database"
    );
}

macro_rules! clients {
    ($($name:ident: $db:expr, $client:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let Some(db) = $db else { return };
                read_twice(&db, $client);
            }
        )*
    };
}

clients! {
    sqlite3: Some(crate::support::SqliteDb::new()), Client::Sqlite3;
    sqlite3_bail: Some(crate::support::SqliteDb::new()), Client::Sqlite3Bail;
    psql: crate::support::pg::PgDb::new(), Client::Psql;
    psql_on_error_stop: crate::support::pg::PgDb::new(), Client::PsqlOnErrorStop;
    mysql: crate::support::mysql::MysqlDb::new(), Client::Mysql;
    mysql_force: crate::support::mysql::MysqlDb::new(), Client::MysqlForce;
    mariadb: crate::support::mysql::MysqlDb::new(), Client::Mariadb;
}
