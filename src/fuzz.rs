//! Fuzz targets for everything that reads untrusted text: the config file, the waivers file,
//! database URLs (parsing and redaction) and timestamps read from the database.
//!
//! They run as property tests on stable Rust (cargo-fuzz needs a nightly toolchain): each
//! target gets every file of its seed corpus in `fuzz/corpus/<target>/`, mutations of those
//! seeds (bytes inserted, replaced, removed) and arbitrary strings. What must hold: no panic,
//! every error is one line, and a URL's password never survives redaction or reaches an error.
//! `cargo test` runs 256 cases per target; a longer run:
//! `SESSION_AUDIT_FUZZ_CASES=200000 cargo test --release fuzz::`.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::config::{RawConfig, parse, parse_waivers};
use crate::db::DatabaseUrl;
use crate::db::redact::redact;
use crate::settings::AuditSettings;
use crate::time::parse_db_time;

fn cases() -> u32 {
    std::env::var("SESSION_AUDIT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

/// The seed corpus of one target, as committed.
fn corpus(target: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut seeds: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        .map(|entry| std::fs::read_to_string(entry.expect("entry").path()).expect("seed"))
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "corpus {target} is empty");
    seeds
}

/// A seed with a few random edits, or any string at all.
fn inputs(seeds: Vec<String>) -> impl Strategy<Value = String> {
    let edit = (any::<prop::sample::Index>(), 0u8..3, any::<char>());
    let mutated = (
        prop::sample::select(seeds),
        prop::collection::vec(edit, 0..8),
    )
        .prop_map(|(seed, edits)| {
            let mut chars: Vec<char> = seed.chars().collect();
            for (at, kind, c) in edits {
                let i = at.index(chars.len() + 1);
                match kind {
                    0 => chars.insert(i, c),
                    1 if i < chars.len() => chars[i] = c,
                    _ if i < chars.len() => {
                        chars.remove(i);
                    }
                    _ => chars.push(c),
                }
            }
            chars.into_iter().collect()
        });
    prop_oneof![3 => mutated, 1 => any::<String>()]
}

/// The error as the tool prints it (`error: ` + [`crate::error::one_line`]) is one line.
fn one_line(message: &str) -> Result<(), TestCaseError> {
    let printed = format!("error: {}", crate::error::one_line(message));
    prop_assert_eq!(
        printed.lines().count(),
        1,
        "error on several lines: {}",
        printed
    );
    Ok(())
}

#[test]
fn fuzz_config_file() {
    let path = Path::new("session-audit.toml");
    runner()
        .run(&inputs(corpus("config")), |text| {
            match parse::<RawConfig>(path, &text) {
                Err(e) => one_line(&e.to_string())?,
                Ok(raw) => {
                    if let Err(e) = raw.apply(path, &mut AuditSettings::default()) {
                        one_line(&e.to_string())?;
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn fuzz_waivers_file() {
    let path = Path::new("waivers.toml");
    runner()
        .run(&inputs(corpus("waivers")), |text| {
            if let Err(e) = parse_waivers(path, &text) {
                one_line(&e.to_string())?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn fuzz_database_url() {
    runner()
        .run(&inputs(corpus("url")), |text| {
            let _ = redact(&text);
            if let Err(e) = DatabaseUrl::parse(&text) {
                one_line(&e.to_string())?;
            }
            Ok(())
        })
        .unwrap();
}

/// A password made of anything a user might type, `/ ? # @ :` and `%` included, never
/// survives redaction or reaches an error message. "Zq9" marks it: no part of it may show.
#[test]
fn fuzz_database_url_never_shows_its_password() {
    let scheme = prop::sample::select(vec![
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "sqlite",
        "ftp",
    ]);
    let secret = "[a-zA-Z0-9/?#@:%!$&'()*+,;= ._~-]{0,16}".prop_map(|s| format!("Zq9{s}"));
    let rest = "(/[a-z]{0,8})?(\\?[a-z]{1,6}=[a-z@]{0,6})?";
    let parts = (
        scheme,
        "[a-z]{0,6}",
        secret,
        "[a-z0-9.]{1,10}(:[0-9]{1,5})?",
        rest,
    );
    runner()
        .run(&parts, |(scheme, user, secret, host, rest)| {
            let raw = format!("{scheme}://{user}:{secret}@{host}{rest}");
            let shown = redact(&raw);
            prop_assert!(!shown.contains("Zq9"), "{raw} redacted to {shown}");
            if let Err(e) = DatabaseUrl::parse(&raw) {
                let message = e.to_string();
                prop_assert!(!message.contains("Zq9"), "{raw}: {message}");
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn fuzz_timestamp() {
    runner()
        .run(&inputs(corpus("timestamp")), |text| {
            if let Err(e) = parse_db_time(&text) {
                one_line(&e)?;
            }
            Ok(())
        })
        .unwrap();
}

/// Every instant, written in each form Django and the drivers use, reads back as itself.
#[test]
fn fuzz_timestamp_round_trip() {
    use chrono::{DateTime, FixedOffset, Utc};
    let instant = (
        -62_135_596_800i64..253_402_300_799,
        0u32..1_000_000,
        -14 * 60..=14 * 60i32,
    );
    runner()
        .run(&instant, |(seconds, micros, offset_minutes)| {
            let utc = DateTime::<Utc>::from_timestamp(seconds, micros * 1000).expect("in range");
            let offset = FixedOffset::east_opt(offset_minutes * 60).expect("offset");
            let local = utc.with_timezone(&offset);
            for text in [
                local.format("%Y-%m-%d %H:%M:%S%.f%:z").to_string(),
                local.format("%Y-%m-%dT%H:%M:%S%.6f%z").to_string(),
                utc.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
                utc.format("%Y-%m-%d %H:%M:%S%.f").to_string(),
            ] {
                prop_assert_eq!(parse_db_time(&text), Ok(utc), "{}", text);
            }
            Ok(())
        })
        .unwrap();
}
