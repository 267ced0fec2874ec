//! Database URLs as they may be shown: any password replaced by `***`, in every message, log
//! line and report, also when the URL does not parse.

use crate::error::one_line;

/// The URL with any password replaced by `***`, for messages and reports. Also hides a
/// `password=` query parameter, which libpq-style URLs accept.
pub fn redact(raw: &str) -> String {
    one_line(&redact_password(raw))
}

fn redact_password(raw: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(raw) else {
        return redact_unparsed(raw);
    };
    if parsed.cannot_be_a_base() {
        return redact_unparsed(raw);
    }
    if parsed.password().is_some() {
        // Cannot fail: the URL has a host, or it would not carry a password.
        let _ = parsed.set_password(Some("***"));
    }
    let has_secret_param = parsed.query_pairs().any(|(k, _)| is_secret_key(&k));
    if has_secret_param {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let v = if is_secret_key(&k) {
                    "***".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

fn is_secret_key(key: &str) -> bool {
    matches!(
        key.to_ascii_lowercase().as_str(),
        "password" | "pass" | "passwd" | "pwd" | "sslpassword"
    )
}

/// Fallback for strings the URL parser rejects: hide everything between `://user:` and the
/// last `@` of the authority, so a malformed URL never leaks its password either.
fn redact_unparsed(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_owned();
    };
    // The last `@` anywhere, not only in the authority: a password with an unescaped `/`, `?`
    // or `#` in it is what made the parser fail, and it must not show either. Hiding too much
    // (an `@` in a query) is the safe mistake.
    match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let user = userinfo.split([':', '/', '?', '#']).next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***{}", &rest[at..])
            } else {
                raw.to_owned()
            }
        }
        None => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzz_database_url_never_shows_its_password: a `/` in the password makes the
    /// URL unparseable, and the fallback used to look for `@` only before the first `/`.
    #[test]
    fn a_password_the_parser_rejects_is_still_hidden() {
        for raw in [
            "postgres://u:pa/ss@host/db",
            "postgres://u:pa?ss@host/db",
            "postgres://u:pa#ss@host/db",
        ] {
            let shown = redact(raw);
            assert!(!shown.contains("ss@"), "{raw} -> {shown}");
            assert!(shown.starts_with("postgres://u:***@host"), "{shown}");
        }
    }

    #[test]
    fn password_query_parameter_is_redacted() {
        assert_eq!(
            redact("postgresql://db/prod?user=app&password=hunter2"),
            "postgresql://db/prod?user=app&password=***"
        );
    }

    #[test]
    fn malformed_url_still_hides_password() {
        let redacted = redact("postgres://app:hunter2@[bad/prod");
        assert!(!redacted.contains("hunter2"), "{redacted}");
    }
}
