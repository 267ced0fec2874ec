//! `migration-state`: where the rollout stands. Which of services 0017, 0018, 0019 and
//! bookings 0013 are applied, the step of the guide that puts the database at, and whether the
//! next step is safe now. Fails only on an impossible state (a migration applied before the one
//! it depends on, or 0013 applied while the bookings it guards still lack a session).
//!
//! bookings.0013 comes in two forms, told apart by the schema: the guide's makes
//! `service_session_id` NOT NULL (then every booking needs a session); the real platform's is a
//! check-only migration that refuses to run while scheduled bookings lack a session and leaves
//! the column nullable, because draft bookings may have none (then only scheduled bookings
//! count). The summary says which form it found.

use diesel::QueryableByName;
use diesel::sql_types::Text;

use super::profile::{bookings_profile, has_legacy_start, scheduled_without_session};
use super::{CheckContext, CheckError, CheckSpec, Offenders, sql};
use crate::report::{Cell, CheckResult, IdKind, Rows, Status, count_of, has};
use crate::settings::{Severity, TableRole};

pub const SPEC: CheckSpec = CheckSpec {
    title: "The rollout is at a consistent step of the guide",
    severity: Severity::Error,
    needs: &[(TableRole::Bookings, &["id", "service_session_id", "status"])],
    skip_without: &[(TableRole::Migrations, &["app", "name"])],
    queries: &["migration_state", "bookings_profile", "bookings_profile_lean"],
    sample_kind: IdKind::None,
    metrics: &[
        "steps_applied",
        "next_step_safe",
        "without_session",
        "scheduled_without_session",
        "service_session_required",
    ],
    trend: &[],
    crosstab: None,
};

/// The guide's migrations, in the order it applies them.
const STEPS: [(&str, &str, &str); 4] = [
    (
        "services",
        "0017",
        "0017_add_session_type_and_visibility_to_servicesession",
    ),
    (
        "services",
        "0018",
        "0018_populate_session_type_and_visibility",
    ),
    (
        "services",
        "0019",
        "0019_create_servicesessions_for_existing_bookings",
    ),
    ("bookings", "0013", "0013_make_service_session_required"),
];

#[derive(QueryableByName)]
pub struct Applied {
    #[diesel(sql_type = Text)]
    app: String,
    #[diesel(sql_type = Text)]
    name: String,
}

/// Is this migration (app, number) among the applied rows? Matched on the number: a
/// deployment may have renamed the migration's suffix.
fn find<'r>(rows: &'r [Applied], app: &str, number: &str) -> Option<&'r Applied> {
    rows.iter()
        .find(|m| m.app == app && (m.name == number || m.name.starts_with(&format!("{number}_"))))
}

/// bookings.0013 applied in the real platform's check-only form: recorded as applied while the
/// schema keeps service_session_id nullable (the guide's form makes it NOT NULL). Then only
/// scheduled bookings must have a session; drafts may lack one.
pub fn check_only_0013(ctx: &CheckContext<'_>, rows: &[Applied]) -> bool {
    let nullable = ctx
        .schema
        .column(ctx.settings.table(TableRole::Bookings), "service_session_id")
        .is_some_and(|c| c.nullable);
    nullable && find(rows, "bookings", "0013").is_some()
}

pub async fn run(ctx: &mut CheckContext<'_>) -> Result<CheckResult, CheckError> {
    let applied_rows: Vec<Applied> = ctx.load(sql!("migration_state")).await?;
    let groups = bookings_profile(ctx).await?;
    let without_session: i64 = groups
        .iter()
        .filter(|g| g.without_session)
        .map(|g| g.count)
        .sum();
    let scheduled =
        scheduled_without_session(&groups, &ctx.settings.vocabulary, has_legacy_start(ctx));

    let mut rows = Rows::new(&["app", "migration", "applied"]);
    let mut applied = [false; 4];
    for (i, (app, number, guide_name)) in STEPS.iter().enumerate() {
        let found = find(&applied_rows, app, number);
        applied[i] = found.is_some();
        let name = found.map_or(guide_name.to_string(), |m| m.name.clone());
        rows.push(vec![
            Cell::Text(app.to_string()),
            Cell::Text(name),
            Cell::Bool(applied[i]),
        ]);
    }
    let done = applied.iter().take_while(|a| **a).count();
    // The guide's 0013 makes the column NOT NULL; the real platform's only checks.
    let required = ctx
        .schema
        .column(ctx.settings.table(TableRole::Bookings), "service_session_id")
        .is_some_and(|c| !c.nullable);
    let label = |i: usize| format!("{}.{}", STEPS[i].0, STEPS[i].1);

    let (status, summary) = if let Some(gap) = applied
        .iter()
        .position(|a| !a)
        .filter(|gap| applied[gap + 1..].iter().any(|a| *a))
    {
        let later = (gap + 1..4).find(|i| applied[*i]).unwrap_or(gap);
        (
            Status::Fail,
            format!(
                "{} is applied but {} is not: the migrations ran out of order; apply {} (or roll back {}) before going on.",
                label(later),
                label(gap),
                label(gap),
                label(later)
            ),
        )
    } else if done == 4 && required && without_session > 0 {
        (
            Status::Fail,
            format!(
                "bookings.0013 made service_session_id NOT NULL, yet {} {} no session: \
                 the constraint is not enforced; give them sessions and check the column's constraint.",
                count_of(without_session, "booking", "bookings"),
                has(without_session)
            ),
        )
    } else if done == 4 && !required && scheduled > 0 {
        (
            Status::Fail,
            format!(
                "bookings.0013 is applied in its check-only form (service_session_id stays nullable for drafts), \
                 yet {} {} no session: they were written after it ran; give them sessions (fix-sql).",
                count_of(scheduled, "scheduled booking", "scheduled bookings"),
                has(scheduled)
            ),
        )
    } else {
        let at = match done {
            0 => "before Step 1 (no ServiceSession migration applied)".to_owned(),
            1 | 2 => format!("in Step 1 ({} applied)", label(done - 1)),
            3 => "at Step 2-3: services 0017-0019 applied; verify and test".to_owned(),
            _ if required => {
                "at Step 4: service_session is required (bookings.0013 applied, the column NOT NULL)"
                    .to_owned()
            }
            _ => format!(
                "at Step 4: bookings.0013 applied in its check-only form (the column stays nullable; \
                 {without_session} draft or unscheduled bookings without a session, none scheduled)"
            ),
        };
        let next = match done {
            0..=2 => format!(
                "next: {} (safe: it adds or fills data and can be rolled back)",
                label(done)
            ),
            3 if without_session == 0 => {
                "next: bookings.0013, safe now: every booking has a session".to_owned()
            }
            3 => format!(
                "next: bookings.0013, NOT safe now: {} {} no session ({scheduled} of them scheduled)",
                count_of(without_session, "booking", "bookings"),
                has(without_session)
            ),
            _ => "no further step".to_owned(),
        };
        (Status::Pass, format!("The database is {at}; {next}."))
    };
    let next_safe = i64::from(done < 3 || (done == 3 && without_session == 0));
    let metrics = vec![
        ("steps_applied", done as i64),
        ("next_step_safe", next_safe),
        ("without_session", without_session),
        ("scheduled_without_session", scheduled),
        ("service_session_required", i64::from(required)),
    ];
    Ok(ctx.result(status, summary, metrics, rows, Offenders::default()))
}
