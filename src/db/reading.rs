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
    /// Whether the server is a hot standby, and its replay lag at the snapshot.
    pub recovery: super::standby::Recovery,
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
                // Said in the report, never a reason to stop: a server that cannot tell is
                // reported as not knowing.
                let recovery = match snapshots.first_mut() {
                    Some(first) => super::standby::read(first).await.unwrap_or_else(|e| {
                        tracing::warn!("could not read the recovery state: {e}");
                        super::standby::Recovery::default()
                    }),
                    None => super::standby::Recovery::default(),
                };
                if recovery.in_recovery == Some(true) {
                    tracing::info!(
                        "reading a hot standby, replay lag {:?} s",
                        recovery.replay_lag_s
                    );
                }
                Ok(Reading {
                    snapshots,
                    schema,
                    recovery,
                })
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
