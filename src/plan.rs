//! From what was typed to what will run: validates the command line once into a plan.

use std::path::PathBuf;

use crate::checks::CheckId;
use crate::cli::{CheckArgs, OutputArgs};
use crate::db::{DatabaseUrl, SnapshotOptions};
use crate::error::AuditError;
use crate::render::Format;
use crate::settings::AuditSettings;

/// Where and how the report is written.
#[derive(Debug, Clone)]
pub struct OutputPlan {
    pub format: Format,
    pub path: Option<PathBuf>,
}

/// A validated `check`: everything the audit needs, nothing raw.
#[derive(Debug, Clone)]
pub struct CheckPlan {
    pub url: DatabaseUrl,
    pub options: SnapshotOptions,
    pub settings: AuditSettings,
    pub checks: Vec<CheckId>,
    pub output: OutputPlan,
}

impl OutputPlan {
    pub fn from_args(args: &OutputArgs) -> Self {
        OutputPlan {
            format: args.format,
            path: args.output.clone(),
        }
    }
}

impl CheckPlan {
    pub fn from_args(args: &CheckArgs) -> Result<Self, AuditError> {
        let raw_url = args
            .database_url
            .as_deref()
            .ok_or(AuditError::NoDatabaseUrl)?;
        let url = DatabaseUrl::parse(raw_url)?;
        for (flag, name) in [
            ("--bookings-table", &args.tables.bookings_table),
            ("--sessions-table", &args.tables.sessions_table),
        ] {
            if name.trim().is_empty() {
                return Err(AuditError::Usage(format!(
                    "{flag} is empty; give the table's name"
                )));
            }
        }
        let settings = AuditSettings {
            bookings_table: args.tables.bookings_table.clone(),
            sessions_table: args.tables.sessions_table.clone(),
            sample: args.output.sample,
            ..AuditSettings::default()
        };
        Ok(CheckPlan {
            url,
            options: SnapshotOptions {
                statement_timeout: args.limits.statement_timeout,
                lock_timeout: args.limits.lock_timeout,
                connect_timeout: args.limits.connect_timeout,
            },
            settings,
            checks: CheckId::ALL.to_vec(),
            output: OutputPlan::from_args(&args.output),
        })
    }
}
