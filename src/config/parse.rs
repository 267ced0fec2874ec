//! The one TOML parser behind the config, waivers and targets files, and its error message:
//! where the file is wrong and what is wrong, never the text that is there. These files can
//! hold database URLs with their passwords (a targets file's `url`, or a URL pasted into the
//! wrong key), and both toml's message (which quotes the offending line) and serde's (which
//! quotes a value of the wrong type or an unknown variant) would print them.

use std::path::Path;

use serde::Deserialize;

use super::ConfigError;

pub(crate) fn parse<T: for<'de> Deserialize<'de>>(
    path: &Path,
    text: &str,
) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: path.to_owned(),
        message: parse_error_message(&e, text),
    })
}

/// Line and column of the error, and toml's or serde's words for it without the values they
/// quote.
fn parse_error_message(error: &toml::de::Error, text: &str) -> String {
    let what = without_values(
        &error
            .message()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    );
    match error.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!("TOML parse error at line {line}, column {column}: {what}")
        }
        None => format!("TOML parse error: {what}"),
    }
}

/// The file's own text as a message may quote it: plain text (letters, digits, spaces and
/// `_-./:`, at most 64 characters; a misspelt key or severity such as `fatal`, a date written
/// 31/01/2030) as written, since it helps and cannot carry a password (that takes `@` or
/// `password=`); anything else (a pasted URL with its password) as `…`.
pub(super) fn as_quoted(text: &str) -> &str {
    let plain = text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':' | ' '));
    if plain { text } else { "…" }
}

/// serde quotes the file's own text in three places: a string of the wrong type or value
/// (`invalid type: string "…", expected u64`), an unknown enum variant (`unknown variant `…`,
/// expected one of ...`) and an unknown key (`unknown field `…`, expected one of ...`, where
/// a quoted TOML key can be any text). Each is shown [`as_quoted`]. What else the message
/// quotes (the expected values) is the program's words and stays.
fn without_values(message: &str) -> String {
    let mut shown = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        let next = [
            ("string \"", '"'),
            ("unknown variant `", '`'),
            ("unknown field `", '`'),
        ]
        .into_iter()
        .filter_map(|(opening, closing)| rest.find(opening).map(|at| (at + opening.len(), closing)))
        .min();
        let Some((start, closing)) = next else {
            shown.push_str(rest);
            return shown;
        };
        shown.push_str(&rest[..start]);
        let value = &rest[start..];
        // serde writes a string as Rust's Debug does: an inner quote is escaped.
        let mut end = value.len();
        let mut escaped = false;
        for (at, c) in value.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == closing {
                end = at;
                break;
            }
        }
        shown.push_str(as_quoted(&value[..end]));
        rest = &value[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_the_message_are_hidden_and_names_kept() {
        assert_eq!(
            without_values(r#"invalid type: string "postgres://a:hunter2@db/app", expected u64"#),
            r#"invalid type: string "…", expected u64"#
        );
        assert_eq!(
            without_values(r#"invalid value: string "a \"b\" c", expected x"#),
            r#"invalid value: string "…", expected x"#
        );
        assert_eq!(
            without_values(
                "unknown variant `postgres://a:hunter2@db/app`, expected one of `error`, `warning`"
            ),
            "unknown variant `…`, expected one of `error`, `warning`"
        );
        assert_eq!(
            without_values("unknown field `postgres://a:hunter2@db/app`, expected one of `name`"),
            "unknown field `…`, expected one of `name`"
        );
        for kept in [
            "unknown variant `fatal`, expected one of `error`, `warning`, `info`",
            "unknown field `name2`, expected one of `name`, `url`",
            r#"invalid type: string "many", expected u64"#,
            r#"use a whole number or "all""#,
        ] {
            assert_eq!(without_values(kept), kept);
        }
    }
}
