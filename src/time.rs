//! Reading the timestamps the queries return as text, in UTC.
//!
//! Every query returns times as text so that one parser serves all backends and column types:
//! PostgreSQL `timestamptz` as text in the UTC session zone (`2025-01-15 14:00:00+00`), plain
//! `timestamp` (`2025-01-15 14:00:00`), SQLite's Django text in any of its forms (`T` or space,
//! fractional seconds or not, `Z`, `+02:00`, `+0200` or no offset). A time without an offset is
//! UTC, which is how Django stores it with `USE_TZ = True`. Anything else is an error, never a
//! guess.

use chrono::{DateTime, NaiveDateTime, Utc};

pub fn parse_db_time(text: &str) -> Result<DateTime<Utc>, String> {
    let trimmed = text.trim();
    let normalized = match trimmed.as_bytes().get(10) {
        Some(b'T' | b't') => format!("{} {}", &trimmed[..10], &trimmed[11..]),
        _ => trimmed.to_owned(),
    };
    let normalized = match normalized.strip_suffix(['Z', 'z']) {
        Some(rest) => format!("{rest}+00:00"),
        None => normalized,
    };
    if let Ok(t) = DateTime::parse_from_str(&normalized, "%Y-%m-%d %H:%M:%S%.f%#z") {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(&normalized, "%Y-%m-%d %H:%M:%S%.f")
        .map(|t| t.and_utc())
        .map_err(|_| format!("{text:?} is not a timestamp (expected e.g. 2025-01-15 14:00:00)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_and_driver_forms_read_as_utc() {
        for text in [
            "2025-01-15 14:00:00",
            "2025-01-15T14:00:00",
            "2025-01-15 14:00:00Z",
            "2025-01-15T14:00:00Z",
            "2025-01-15 14:00:00+00",
            "2025-01-15 14:00:00+00:00",
            "2025-01-15 16:00:00+02:00",
            "2025-01-15 16:00:00+0200",
            "2025-01-15 09:00:00-05:00",
            "2025-01-15 14:00:00.000",
        ] {
            assert_eq!(
                parse_db_time(text).unwrap().to_rfc3339(),
                "2025-01-15T14:00:00+00:00",
                "{text}"
            );
        }
    }

    #[test]
    fn fractional_seconds_are_kept() {
        let t = parse_db_time("2025-01-15 14:00:00.123456").unwrap();
        assert_eq!(t.timestamp_subsec_micros(), 123_456);
    }

    #[test]
    fn non_timestamps_are_errors() {
        for text in [
            "2025-01-15",
            "15/01/2025 14:00",
            "",
            "1736949600",
            "2025-13-01 00:00:00",
        ] {
            assert!(parse_db_time(text).is_err(), "{text}");
        }
    }
}
