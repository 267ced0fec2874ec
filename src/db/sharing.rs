//! Several connections on one snapshot, so checks can run at once without ever mixing two
//! points in time. What each backend allows:
//!
//! - PostgreSQL: the first transaction exports its snapshot (`pg_export_snapshot`) and the
//!   others import it (`SET TRANSACTION SNAPSHOT`).
//! - SQLite in a rollback-journal mode (Django's default, `delete`): the first connection's
//!   read transaction holds the file's SHARED lock until it ends, and a writer cannot commit
//!   while any SHARED lock is held (committing needs the EXCLUSIVE lock). So a read transaction
//!   begun after the first one sees exactly the file the first one sees. If a writer is already
//!   waiting to commit (it holds PENDING), no new reader gets in, and if another file was
//!   renamed into the path meanwhile, a new reader opens that one: either way the audit goes on
//!   with one connection. In WAL mode a reader does not hold writers off and a later reader may
//!   see a later commit; `sqlite3_snapshot_open` would pin it, but the bundled SQLite is built
//!   without SQLITE_ENABLE_SNAPSHOT, so a WAL file is read on one connection, as is one opened
//!   without locks (`nolock=1`, `immutable=1`, another `vfs`).
//! - MySQL/MariaDB: no way to share a snapshot between connections; one connection.

use super::snapshot::snapshot_error;
use super::url::{BackendKind, DatabaseUrl, Target};
use super::{Snapshot, SnapshotOptions};
use crate::error::AuditError;
use crate::sql::{Bindings, bind};

#[derive(diesel::QueryableByName)]
struct Exported {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

impl Snapshot {
    /// Up to `jobs` snapshots that all see the same data (see the module's text for how each
    /// backend shares one, and when it cannot).
    pub async fn open_shared(
        url: &DatabaseUrl,
        options: SnapshotOptions,
        jobs: usize,
    ) -> Result<Vec<Self>, AuditError> {
        // Every connection of the audit runs its transaction with the same settings.
        let options = options.on_connections(jobs);
        // Which file the path names before the first connection opens it (see share_sqlite).
        let file = file_identity(url);
        let first = Self::open(url, options, None).await?;
        if jobs <= 1 {
            return Ok(vec![first]);
        }
        match first.backend() {
            BackendKind::Postgres => share_postgres(url, options, jobs, first).await,
            BackendKind::Sqlite => Ok(share_sqlite(url, options, jobs, first, file).await),
            BackendKind::Mysql => Ok(vec![first]),
        }
    }
}

async fn share_postgres(
    url: &DatabaseUrl,
    options: SnapshotOptions,
    jobs: usize,
    mut first: Snapshot,
) -> Result<Vec<Snapshot>, AuditError> {
    let backend = first.backend();
    let query = bind("SELECT pg_export_snapshot() AS id", &Bindings::default())
        .map_err(|e| snapshot_error(url, backend, &e.to_string()))?;
    let exported: Vec<Exported> = first
        .load(query)
        .await
        .map_err(|e| snapshot_error(url, backend, &e.to_string()))?;
    let id = exported
        .into_iter()
        .next()
        .map(|e| e.id)
        .unwrap_or_default();
    // The id comes from the server; check its shape anyway before it goes into SQL text
    // (SET TRANSACTION SNAPSHOT takes no bind parameter).
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(snapshot_error(
            url,
            backend,
            &format!("unexpected snapshot id `{id}`"),
        ));
    }
    let mut snapshots = vec![first];
    for _ in 1..jobs {
        snapshots.push(Snapshot::open(url, options, Some(&id)).await?);
    }
    Ok(snapshots)
}

/// The first snapshot already holds its read lock (`Snapshot::open` reads in its
/// transaction), so every connection opened from here on sees the same file, or none is
/// opened. A connection that cannot be had only costs the audit its parallelism.
async fn share_sqlite(
    url: &DatabaseUrl,
    options: SnapshotOptions,
    jobs: usize,
    first: Snapshot,
    file_before: Option<(u64, u64)>,
) -> Vec<Snapshot> {
    if let Some(param) = lock_free_param(url) {
        tracing::info!(
            "SQLite URL parameter {param}: one connection (the file may not be locked, so a second reader could see a later write)"
        );
        return vec![first];
    }
    if !has_rollback_journal(url) {
        tracing::info!(
            "SQLite file not in a rollback-journal mode (WAL, or a header that cannot be read): one connection"
        );
        return vec![first];
    }
    // A reader waits no longer than this for the lock: a writer that holds PENDING waits for
    // the first connection, which holds SHARED until the audit ends.
    let quick = SnapshotOptions {
        lock_timeout: options
            .lock_timeout
            .min(std::time::Duration::from_millis(200)),
        ..options
    };
    let mut snapshots = vec![first];
    for _ in 1..jobs {
        match Snapshot::open(url, quick, None).await {
            Ok(snapshot) => snapshots.push(snapshot),
            Err(e) => {
                tracing::info!("going on with {} connection(s): {e}", snapshots.len());
                break;
            }
        }
    }
    // A lock holds writers off, not a rename: a file put in the path's place meanwhile (a
    // restored backup) would give the later connections another database. The path must name
    // the same file after the last open as before the first.
    if snapshots.len() > 1 && (file_before.is_none() || file_identity(url) != file_before) {
        tracing::info!("the SQLite file was replaced while the audit opened it: one connection");
        let extra = snapshots.split_off(1);
        for snapshot in extra {
            snapshot.close().await;
        }
    }
    snapshots
}

/// The file a SQLite URL names.
fn sqlite_path(url: &DatabaseUrl) -> Option<&std::path::Path> {
    match &url.target {
        Target::Sqlite { path, .. } => Some(path),
        _ => None,
    }
}

/// The file a SQLite URL's path names, as the filesystem knows it (device, inode). None
/// elsewhere, and where the platform cannot tell: then SQLite is read on one connection.
fn file_identity(url: &DatabaseUrl) -> Option<(u64, u64)> {
    let path = sqlite_path(url)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Is the file in a rollback-journal mode? Its header says (bytes 18 and 19, the file format's
/// write and read versions: 1 with a rollback journal, 2 in WAL mode). Read from the file, not
/// asked of the first connection with `PRAGMA journal_mode`: there a query runs under the
/// statement timeout, and one abandoned at it gives up the connection every check then runs
/// on. The first connection holds its read lock by now, so the mode cannot change under it.
fn has_rollback_journal(url: &DatabaseUrl) -> bool {
    use std::io::Read;
    let mut header = [0u8; 20];
    sqlite_path(url)
        .and_then(|path| std::fs::File::open(path).ok())
        .is_some_and(|mut file| file.read_exact(&mut header).is_ok() && header[18..20] == [1, 1])
}

/// A URI parameter that can open the file without SQLite's locks (`nolock=1`,
/// `immutable=1`, which also turns off change detection, or a `vfs` such as `unix-none`):
/// then nothing holds a writer off, and the file is read on one connection. Any value but `0`
/// counts, so a spelling SQLite reads as false (`no`, `off`) only costs the parallelism.
fn lock_free_param(url: &DatabaseUrl) -> Option<String> {
    let Target::Sqlite { params, .. } = &url.target else {
        return None;
    };
    params
        .iter()
        .find(|(key, value)| {
            key == "vfs" || ((key == "nolock" || key == "immutable") && value != "0")
        })
        .map(|(key, value)| format!("{key}={value}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::{Connection as _, RunQueryDsl, SqliteConnection, connection::SimpleConnection};

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }

    fn database(journal_mode: &str) -> (tempfile::TempDir, DatabaseUrl, SqliteConnection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        let mut writer = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        writer
            .batch_execute(&format!(
                "PRAGMA journal_mode = {journal_mode}; CREATE TABLE t (x integer); INSERT INTO t VALUES (1);"
            ))
            .unwrap();
        let url = DatabaseUrl::parse(path.to_str().unwrap()).unwrap();
        (dir, url, writer)
    }

    fn open(url: &DatabaseUrl, jobs: usize) -> (tokio::runtime::Runtime, Vec<Snapshot>) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let snapshots = runtime
            .block_on(Snapshot::open_shared(url, SnapshotOptions::default(), jobs))
            .unwrap();
        (runtime, snapshots)
    }

    /// What sharing a SQLite snapshot rests on: while the first connection's read transaction
    /// is open no write commits, so every connection counts the same rows.
    #[test]
    fn sqlite_connections_share_a_rollback_journal_file_that_no_writer_can_change() {
        let (_dir, url, mut writer) = database("delete");
        let (runtime, mut snapshots) = open(&url, 2);
        assert_eq!(snapshots.len(), 2);
        let refused = writer
            .batch_execute("PRAGMA busy_timeout = 100; INSERT INTO t VALUES (2)")
            .unwrap_err();
        assert!(refused.to_string().contains("locked"), "{refused}");
        for snapshot in &mut snapshots {
            let query = bind("SELECT count(*) AS n FROM t", &Bindings::default()).unwrap();
            let rows: Vec<Count> = runtime.block_on(snapshot.load(query)).unwrap();
            assert_eq!(rows[0].n, 1);
        }
        for snapshot in snapshots {
            runtime.block_on(snapshot.close());
        }
        // The audit over, the write goes through.
        diesel::sql_query("INSERT INTO t VALUES (2)")
            .execute(&mut writer)
            .unwrap();
    }

    /// A file renamed into the path between the first open and the last is another database:
    /// the later connections are given up. (Here the identity seen "before" is made up; a
    /// rename at that moment cannot be timed from a test.)
    #[test]
    fn a_file_replaced_while_opening_is_read_on_one_connection() {
        let (_dir, url, _writer) = database("delete");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let same = file_identity(&url);
        assert!(same.is_some());
        for (before, connections) in [(same, 2), (Some((0, 0)), 1)] {
            let snapshots = runtime.block_on(async {
                let first = Snapshot::open(&url, SnapshotOptions::default(), None)
                    .await
                    .unwrap();
                share_sqlite(&url, SnapshotOptions::default(), 2, first, before).await
            });
            assert_eq!(snapshots.len(), connections);
            for snapshot in snapshots {
                runtime.block_on(snapshot.close());
            }
        }
    }

    /// How many connections `open_shared` gives `url` for two jobs (closed again).
    fn connections(url: &DatabaseUrl) -> usize {
        let (runtime, snapshots) = open(url, 2);
        let opened = snapshots.len();
        for snapshot in snapshots {
            runtime.block_on(snapshot.close());
        }
        opened
    }

    /// Without locks nothing holds a writer off: one connection. `immutable=1` was read on
    /// two until this test, though a writer could commit between their two opens.
    #[test]
    fn a_file_opened_without_locks_is_read_on_one_connection() {
        let (_dir, url, _writer) = database("delete");
        let Target::Sqlite { path, .. } = &url.target else {
            unreachable!()
        };
        let with =
            |query: &str| DatabaseUrl::parse(&format!("file:{}{query}", path.display())).unwrap();
        assert_eq!(connections(&with("")), 2);
        assert_eq!(connections(&with("?nolock=0")), 2);
        for query in ["?nolock=1", "?immutable=1", "?vfs=unix-none"] {
            assert_eq!(connections(&with(query)), 1, "{query}");
        }
    }

    /// In WAL mode a later reader could see a later commit: one connection.
    #[test]
    fn a_wal_file_is_read_on_one_connection() {
        let (_dir, url, _writer) = database("wal");
        assert_eq!(connections(&url), 1);
    }

    /// Two connections read at once only if the bundled SQLite gives each its own page cache
    /// and keeps no global memory statistics (.cargo/config.toml); otherwise they take turns
    /// at a global mutex on every page fetch and allocation.
    #[test]
    fn the_bundled_sqlite_has_no_global_lock_for_pages_or_memory_statistics() {
        #[derive(diesel::QueryableByName)]
        struct CompileOption {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<CompileOption>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        assert!(options.iter().any(|o| o == "THREADSAFE=1"), "{options:?}");
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
    }
}
