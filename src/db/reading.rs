//! The one way every command reads a database: open the read-only snapshot (on up to `jobs`
//! connections that share it), then read the schema on the first. `check`, `report`,
//! `explain` and `fix-sql` all start here, so they see the same tables the same way and fail
//! with the same messages.

use super::{DatabaseUrl, Rename, Schema, Snapshot, SnapshotOptions};
use crate::error::AuditError;

/// Open snapshots and the schema they show. Close it when done: the transactions are only
/// ever rolled back.
pub struct Reading {
    pub snapshots: Vec<Snapshot>,
    pub schema: Schema,
}

impl Reading {
    /// `renames` (the config's `[columns]`) apply to the schema read: the checks see every
    /// column under the name they use, and each query reads the table through a projection.
    pub async fn open(
        url: &DatabaseUrl,
        options: SnapshotOptions,
        jobs: usize,
        renames: &[Rename],
    ) -> Result<Self, AuditError> {
        let mut snapshots = Snapshot::open_shared(url, options, jobs).await?;
        tracing::info!(
            "read-only snapshot open on {} connection(s)",
            snapshots.len()
        );
        let schema = match snapshots.first_mut() {
            Some(first) => Schema::read(first).await,
            None => Ok(Schema::default()),
        };
        let schema = schema.map(|s| s.with_renames(renames));
        match schema {
            Ok(Err(problem)) => {
                for snapshot in snapshots {
                    snapshot.close().await;
                }
                Err(AuditError::Columns(problem))
            }
            Ok(Ok(schema)) => {
                tracing::info!("schema read: {} table(s)", schema.table_count());
                Ok(Reading { snapshots, schema })
            }
            Err(e) => {
                for snapshot in snapshots {
                    snapshot.close().await;
                }
                Err(AuditError::Schema {
                    url: url.redacted.clone(),
                    reason: e.to_string(),
                })
            }
        }
    }

    /// The first connection: the one commands that need only one use.
    pub fn first(&mut self) -> Result<&mut Snapshot, AuditError> {
        self.snapshots
            .first_mut()
            .ok_or_else(|| AuditError::Usage("no connection could be opened".into()))
    }

    pub async fn close(self) {
        for snapshot in self.snapshots {
            snapshot.close().await;
        }
    }
}
