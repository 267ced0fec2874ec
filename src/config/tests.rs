//! The config file's validation: every mistake named, the init file parsing to the defaults.

use super::*;

fn apply(text: &str) -> Result<AuditSettings, ConfigError> {
    let raw: RawConfig = parse(Path::new("t.toml"), text)?;
    let mut settings = AuditSettings::default();
    raw.apply(Path::new("t.toml"), &mut settings)?;
    Ok(settings)
}

#[test]
fn the_init_file_parses_to_the_defaults() {
    let from_file = apply(&default_config_text()).unwrap();
    let defaults = AuditSettings::default();
    assert_eq!(from_file.tables, defaults.tables);
    assert_eq!(from_file.vocabulary, defaults.vocabulary);
    assert_eq!(from_file.checks, defaults.checks);
    assert_eq!(from_file.sample, defaults.sample);
    assert_eq!(from_file.fix, defaults.fix);
}

#[test]
fn unknown_keys_are_errors() {
    let err = apply("[tables]\nbooking = \"x\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `booking`"), "{err}");
    let err = apply("[checks.coverag]\nenabled = false\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown check id `coverag`"), "{err}");
}

#[test]
fn vocabularies_must_agree() {
    let err = apply("[statuses]\nnot_scheduled = [\"draft\", \"cancelled\"]\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`cancelled`, which is not in statuses.known"),
        "{err}"
    );
    let err = apply("[service_types]\nmapping = { course = \"course\" }\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("session type `course` is not in sessions.types"),
        "{err}"
    );
    let err = apply("[sessions]\ntypes = []\n").unwrap_err().to_string();
    assert!(err.contains("sessions.types is empty"), "{err}");
}

#[test]
fn check_settings_apply_and_are_validated() {
    let s = apply(
        "[checks.orphan-sessions]\nseverity = \"error\"\n[checks.coverage]\nmax_offending = 3\n",
    )
    .unwrap();
    assert_eq!(s.check(CheckId::OrphanSessions).severity, Severity::Error);
    assert_eq!(s.check(CheckId::Coverage).max_offending, 3);
    let err = apply("[checks.coverage]\ntolerance_seconds = 5\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("applies only to legacy-time-drift"), "{err}");
    let err = apply("[checks.coverage]\nseverity = \"fatal\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("fatal"), "{err}");
}

#[test]
fn fix_session_defaults_take_scalars_only() {
    let s = apply("[fix]\ninclude_unknown_status = true\n[fix.session_defaults]\nstatus = \"scheduled\"\nsequence_number = 0\n").unwrap();
    assert!(s.fix.include_unknown_status);
    assert_eq!(
        s.fix.session_defaults.get("status"),
        Some(&crate::settings::FixValue::Text("scheduled".into()))
    );
    assert_eq!(
        s.fix.session_defaults.get("sequence_number"),
        Some(&crate::settings::FixValue::Integer(0))
    );
    let err = apply("[fix.session_defaults]\nstatus = [\"a\"]\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("fix.session_defaults.status is array"),
        "{err}"
    );
}

#[test]
fn waivers_are_validated() {
    let s = apply("[[waivers.entry]]\ncheck = \"coverage\"\nids = [1, 2]\nreason = \"known\"\nexpires = \"2030-01-31\"\n").unwrap();
    assert_eq!(s.waivers.len(), 1);
    assert_eq!(
        s.waivers[0].expires,
        NaiveDate::from_ymd_opt(2030, 1, 31).unwrap()
    );
    let err = apply("[[waivers.entry]]\ncheck = \"coverage\"\nids = [1]\nreason = \"x\"\nexpires = \"31/01/2030\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("expires on `31/01/2030`, which is not a date like 2026-12-31"),
        "{err}"
    );
    let err = apply("[[waivers.entry]]\ncheck = \"coverage\"\nids = []\nreason = \"x\"\nexpires = \"2030-01-31\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("lists no ids"), "{err}");
}

#[test]
fn columns_map_per_table() {
    let s = apply("[columns.sessions]\nstart_time = \"starts_at\"\n[columns.bookings]\nservice_session_id = \"session_ref\"\n").unwrap();
    assert_eq!(s.columns.len(), 2);
    let renames = s.renames();
    assert!(renames.iter().any(|r| r.table == "services_servicesession"
        && r.canonical == "start_time"
        && r.real == "starts_at"));
    let err = apply("[columns.booking]\nx = \"y\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `booking`"), "{err}");
}

#[test]
fn lifecycle_lists_must_be_known_session_statuses() {
    let err = apply("[sessions]\ncanceled_statuses = [\"cancelled\"]\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`cancelled`, which is not in sessions.statuses"),
        "{err}"
    );
}
