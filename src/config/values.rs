//! The config's values checked one by one: scalars for fix-sql, non-empty lists, and
//! vocabularies that agree with each other.

pub fn fix_value(value: &toml::Value) -> Option<crate::settings::FixValue> {
    use crate::settings::FixValue;
    match value {
        toml::Value::String(s) => Some(FixValue::Text(s.clone())),
        toml::Value::Integer(i) => Some(FixValue::Integer(*i)),
        toml::Value::Float(f) => Some(FixValue::Float(*f)),
        toml::Value::Boolean(b) => Some(FixValue::Bool(*b)),
        _ => None,
    }
}

pub fn set_list(
    slot: &mut Vec<String>,
    value: Option<Vec<String>>,
    key: &str,
) -> Result<(), String> {
    match value {
        None => Ok(()),
        Some(list) if list.is_empty() => Err(format!("{key} is empty; list at least one value")),
        Some(list) => {
            *slot = list;
            Ok(())
        }
    }
}

/// The vocabularies must agree with each other: a status typed `cancelled` in `not_scheduled`
/// would silently make canceled bookings count as scheduled.
pub fn validate_vocabulary(v: &crate::settings::Vocabulary) -> Result<(), String> {
    let known = |list: &[String], value: &str| list.iter().any(|x| x == value);
    for (key, list) in [
        ("statuses.not_scheduled", &v.not_scheduled),
        ("statuses.canceled", &v.canceled),
        ("statuses.finished", &v.finished),
    ] {
        if let Some(bad) = list.iter().find(|s| !known(&v.statuses, s)) {
            return Err(format!(
                "{key} lists `{bad}`, which is not in statuses.known; fix the spelling or add it there"
            ));
        }
    }
    for (key, list) in [
        ("sessions.canceled_statuses", &v.canceled_session_statuses),
        ("sessions.draft_statuses", &v.draft_session_statuses),
    ] {
        if let Some(bad) = list.iter().find(|s| !known(&v.session_statuses, s)) {
            return Err(format!(
                "{key} lists `{bad}`, which is not in sessions.statuses; fix the spelling or add it there"
            ));
        }
    }
    for (t, vis) in v
        .expected_pairs
        .iter()
        .chain(std::iter::once(&v.individual))
    {
        if !known(&v.session_types, t) || !known(&v.visibilities, vis) {
            return Err(format!(
                "the pair [\"{t}\", \"{vis}\"] uses a value missing from sessions.types or sessions.visibilities"
            ));
        }
    }
    for t in v
        .exclusive_time_types
        .iter()
        .chain(v.type_mapping.iter().map(|(_, t)| t))
        .chain(std::iter::once(&v.default_session_type))
    {
        if !known(&v.session_types, t) {
            return Err(format!(
                "session type `{t}` is not in sessions.types; fix the spelling or add it there"
            ));
        }
    }
    Ok(())
}
