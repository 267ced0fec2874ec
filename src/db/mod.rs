//! Reading the audited database: connecting, one read-only snapshot, schema introspection.
//!
//! Everything a check runs goes through [`Snapshot`], which owns one connection inside one
//! read-only transaction and only ever rolls it back. Backends are variants of one
//! [`Connection`] enum (diesel-async's connection types cannot share a `MultiConnection`
//! derive), dispatched by the `dispatch!` macro.

#[cfg(any(feature = "postgres", feature = "mysql"))]
pub mod cancel;
mod connection;
pub mod credentials;
#[cfg(feature = "mysql")]
mod mysql_tls;
#[cfg(feature = "postgres")]
mod pg_tls;
mod reading;
pub mod redact;
pub mod schema;
mod sharing;
mod snapshot;
pub mod standby;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod tls_errors;
pub mod types;
pub mod url;

pub use connection::Row;
pub use reading::Reading;
pub use schema::{Rename, Schema};
pub use snapshot::{ParallelWorkers, QueryError, Snapshot, SnapshotOptions, Tuning};
pub use url::{BackendKind, DatabaseUrl};
