//! The checks: each is data (a [`CheckSpec`]) plus one entry point, in its own file.
//!
//! [`CheckId`] is the one name of a check everywhere: `--only`, the config file, every output
//! format and `docs/checks/<id>.md`. Checks never print; they return a [`CheckResult`] that
//! the [`runner`] gathers into the report, after applying waivers' expiry, thresholds and
//! severity, which are the same for every check.

mod booking_join;
mod context;
mod probe;
mod profile;
pub mod runner;
mod schedule;
mod session_load;

pub use booking_join::with_join_range;
pub use context::{
    CheckContext, CheckError, Offenders, Shared, audit_bindings, empty_table, soft_delete,
};

use crate::report::CheckResult;
use crate::settings::CheckSettings;
use crate::vocab::{CheckId, IdKind, Severity, TableRole, Trend};

/// Each registered check's module, its spec, its docs page and its entry point, derived from
/// the one registry in `vocab`.
macro_rules! check_modules {
    ($($variant:ident => $id:literal, $module:ident;)*) => {
        $(mod $module;)*

        impl CheckId {
            pub fn spec(self) -> &'static CheckSpec {
                match self {
                    $(CheckId::$variant => &$module::SPEC,)*
                }
            }

            /// The documentation page, built into the binary for `explain-check`.
            pub fn doc(self) -> &'static str {
                match self {
                    $(CheckId::$variant => include_str!(concat!("../../docs/checks/", $id, ".md")),)*
                }
            }
        }

        /// The one entry point of each check.
        pub async fn run(id: CheckId, ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
            match id {
                $(CheckId::$variant => $module::run(ctx).await,)*
            }
        }
    };
}
crate::vocab::registry!(check_modules);

impl CheckId {
    pub fn sample_kind(self) -> IdKind {
        self.spec().sample_kind
    }

    /// The "How to fix" paragraph of the check's docs page, without its heading and with its
    /// lines joined: what a report shows beside a finding, so the reader needs no repository.
    pub fn how_to_fix(self) -> String {
        const HEADING: &str = "**How to fix.**";
        let doc = self.doc();
        let Some(start) = doc.find(HEADING) else {
            return String::new();
        };
        doc[start + HEADING.len()..]
            .split("\n\n")
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Where this check's documentation lives, relative to the repository root.
    pub fn doc_path(self) -> String {
        format!("docs/checks/{}.md", self.as_str())
    }

    pub fn default_settings(self) -> CheckSettings {
        CheckSettings {
            enabled: true,
            severity: self.spec().severity,
            max_offending: 0,
            tolerance_seconds: 0,
        }
    }
}

/// What a check is, as data. Its id and docs page come from the registry (`vocab::registry!`).
pub struct CheckSpec {
    pub title: &'static str,
    /// How much its findings weigh unless the config says otherwise.
    pub severity: Severity,
    /// Tables and columns the check cannot run without: missing, it is an error.
    pub needs: &'static [(TableRole, &'static [&'static str])],
    /// Tables and columns whose absence makes the check meaningless: missing, it is skipped
    /// with the reason (a dropped legacy column, a schema without `django_migrations`).
    pub skip_without: &'static [(TableRole, &'static [&'static str])],
    /// The query templates it may run (`queries/NAME*.sql`), shared passes included: what
    /// `session-audit sql` prints and `explain` asks the planner about. A test keeps this
    /// list equal to the `sql!` calls in the check's code.
    pub queries: &'static [&'static str],
    /// What `sample_ids` are ids of.
    pub sample_kind: IdKind,
    /// The metrics it reports, in order: what `--compare` compares. The runner refuses (in debug
    /// builds, so every test run checks it) a result whose metrics differ from this list.
    pub metrics: &'static [&'static str],
    /// Which of its metrics the reports' history chart follows, and as which series.
    pub trend: &'static [(&'static str, Trend)],
    /// The (row, column, count) columns of a findings table that is a crosstab: compared cell by
    /// cell and drawn as a grid in HTML (type-distribution's session_type × visibility).
    pub crosstab: Option<[&'static str; 3]>,
}

/// The template for this backend. `sql!("name")`: `queries/name.sql`, which serves every
/// backend (checked at compile time). `sql!(ctx, "name")`: the backend's own
/// `name.{postgres,sqlite,mysql}.sql` where there is one, else the shared `name.sql`, by the
/// one rule `queries::template` keeps for `sql` and `explain` too (a unit test checks that
/// every declared query has a template for every backend).
macro_rules! sql {
    ($name:literal) => {
        include_str!(concat!("../../queries/", $name, ".sql"))
    };
    ($ctx:expr, $name:literal) => {
        crate::queries::text($name, $ctx.snapshot.backend())
    };
}
pub(crate) use sql;

#[cfg(test)]
mod tests {
    use super::*;

    /// Reports show each finding's fix from its docs page, so every page must have one.
    #[test]
    fn every_check_says_how_to_fix_it() {
        for id in CheckId::ALL {
            let fix = id.how_to_fix();
            assert!(fix.len() > 20, "{id}: {fix:?}");
            assert!(
                !fix.contains('\n') && !fix.starts_with("**"),
                "{id}: {fix:?}"
            );
        }
        assert!(CheckId::Capacity.how_to_fix().starts_with("Recount:"));
    }

    #[test]
    fn every_check_has_its_doc_page() {
        for id in CheckId::ALL {
            assert!(
                id.doc().starts_with(&format!("# `{}`", id.as_str())),
                "{id}"
            );
        }
    }

    /// docs/checks/ holds exactly the registered checks' pages.
    #[test]
    fn the_docs_folder_is_the_registry() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks");
        let mut pages: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".md"))
            .collect();
        pages.sort();
        let mut ids: Vec<String> = CheckId::ALL.iter().map(|id| format!("{id}.md")).collect();
        ids.sort();
        assert_eq!(pages, ids);
    }
}
