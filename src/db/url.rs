//! The one place where a database URL is parsed and routed to a backend.
//!
//! The scheme alone picks the backend: we never "try each backend in turn", because SQLite
//! accepts almost any string as a path and the real error (a bad PostgreSQL password, say)
//! would be lost. Every URL that reaches a message or a report goes through
//! [`redact`](super::redact::redact) first.

use std::path::{Path, PathBuf};

use super::redact::redact;
use crate::error::{AuditError, one_line};

/// Which database engine a URL names. Its `as_str` is the `database.backend` of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Postgres,
    Sqlite,
    Mysql,
}

impl BackendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Postgres => "postgres",
            BackendKind::Sqlite => "sqlite",
            BackendKind::Mysql => "mysql",
        }
    }
}

/// A parsed, routed database location. `redacted` is safe to print; the rest is not.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    pub target: Target,
    pub redacted: String,
}

#[derive(Debug, Clone)]
pub enum Target {
    /// The URL as given (password included): only the driver ever sees it.
    Postgres {
        #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
        url: String,
    },
    /// A SQLite file, plus any URI query parameters the user gave (`mode` is ours).
    Sqlite {
        path: PathBuf,
        params: Vec<(String, String)>,
    },
    /// A `mysql://` URL (a `mariadb://` one is rewritten to it); password included.
    Mysql {
        #[cfg_attr(not(feature = "mysql"), allow(dead_code))]
        url: String,
    },
}

impl DatabaseUrl {
    pub fn backend(&self) -> BackendKind {
        match self.target {
            Target::Postgres { .. } => BackendKind::Postgres,
            Target::Sqlite { .. } => BackendKind::Sqlite,
            Target::Mysql { .. } => BackendKind::Mysql,
        }
    }

    /// Where the database is, without credentials: the server as `host:port` (the backend's
    /// default port written out, so `db` and `db:5432` are one server; `localhost` for a
    /// socket or a SQLite file) and the database's name (a SQLite file's absolute path).
    pub fn location(&self) -> (String, String) {
        match &self.target {
            Target::Postgres { url } => server_location(url, 5432),
            Target::Mysql { url } => server_location(url, 3306),
            Target::Sqlite { path, .. } => {
                let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
                ("localhost".into(), absolute.display().to_string())
            }
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AuditError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(AuditError::NoDatabaseUrl);
        }
        let redacted = redact(raw);
        let scheme = raw.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some(scheme @ ("postgres" | "postgresql" | "pgsql")) => {
                url::Url::parse(raw).map_err(|e| AuditError::InvalidUrl {
                    url: redacted.clone(),
                    reason: format!(
                        "{e}; expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
                    ),
                })?;
                // dj-database-url's `pgsql://` is PostgreSQL; the driver knows only the others.
                let url = match scheme {
                    "pgsql" => format!("postgresql{}", &raw[scheme.len()..]),
                    _ => raw.to_owned(),
                };
                Ok(DatabaseUrl {
                    target: Target::Postgres { url },
                    redacted,
                })
            }
            Some("sqlite") => {
                let rest = &raw["sqlite://".len()..];
                let (path, params) = split_query(rest)?;
                let path = sqlite_url_path(path, &redacted)?;
                sqlite_target(&path, params, redacted)
            }
            Some(scheme @ ("mysql" | "mysql2" | "mariadb")) => {
                url::Url::parse(raw).map_err(|e| AuditError::InvalidUrl {
                    url: redacted.clone(),
                    reason: format!("{e}; expected mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"),
                })?;
                let url = format!("mysql{}", &raw[scheme.len()..]);
                Ok(DatabaseUrl {
                    target: Target::Mysql { url },
                    redacted,
                })
            }
            Some(other) => Err(AuditError::UnsupportedUrl {
                url: redacted,
                reason: format!(
                    "unknown scheme `{}`; use postgres://, postgresql://, pgsql://, mysql://, mariadb://, sqlite:///RELATIVE, sqlite:////ABSOLUTE, file:PATH or a plain file path",
                    one_line(other)
                ),
            }),
            None if raw.starts_with("file:") => {
                let (path, params) = split_query(&raw["file:".len()..])?;
                let path = percent_decode(path);
                sqlite_target(&path, params, redacted)
            }
            None => sqlite_target(raw, Vec::new(), redacted),
        }
    }
}

/// A server URL's `host:port` and database name, from the URL's parts or its libpq-style
/// `host=`/`port=`/`dbname=` parameters.
fn server_location(url: &str, default_port: u16) -> (String, String) {
    let Ok(parsed) = url::Url::parse(url) else {
        return ("localhost".into(), String::new());
    };
    let param = |key: &str| {
        parsed
            .query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty())
    };
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .or_else(|| param("host"))
        .filter(|h| !h.starts_with('/'))
        .unwrap_or_else(|| "localhost".into());
    let port = parsed
        .port()
        .or_else(|| param("port").and_then(|p| p.parse().ok()))
        .unwrap_or(default_port);
    let name = Some(percent_decode(parsed.path().trim_start_matches('/')))
        .filter(|n| !n.is_empty())
        .or_else(|| param("dbname"))
        .unwrap_or_default();
    (format!("{host}:{port}"), one_line(&name))
}

/// The file a `sqlite://` URL names, read as dj-database-url (and so a Django project's
/// `DATABASE_URL`) reads it: an empty host, then a slash, then the path, so
/// `sqlite:///db.sqlite3` is `db.sqlite3` in the working directory and
/// `sqlite:////srv/db.sqlite3` is `/srv/db.sqlite3`. Without a slash (`sqlite://db.sqlite3`)
/// the rest is the path, as it always was here.
///
/// Earlier versions (and sqlx) read `sqlite:///srv/db.sqlite3` as `/srv/db.sqlite3`: when that
/// file exists and the relative one does not, the URL is refused with the four-slash form to
/// write, rather than guessed either way.
fn sqlite_url_path(rest: &str, redacted: &str) -> Result<String, AuditError> {
    let Some(path) = rest.strip_prefix('/') else {
        return Ok(rest.to_owned());
    };
    if !path.starts_with('/') && !Path::new(path).exists() && Path::new(rest).exists() {
        return Err(AuditError::InvalidUrl {
            url: redacted.to_owned(),
            reason: format!(
                "sqlite:///{path} names {path} in the working directory (as Django's dj-database-url reads it), and there is none; for the file {rest} write sqlite:///{rest}"
            ),
        });
    }
    Ok(path.to_owned())
}

fn sqlite_target(
    path: &str,
    params: Vec<(String, String)>,
    redacted: String,
) -> Result<DatabaseUrl, AuditError> {
    if path.is_empty() || path == ":memory:" {
        return Err(AuditError::InvalidUrl {
            url: redacted,
            reason: "a SQLite URL must name a database file, e.g. sqlite://db.sqlite3".into(),
        });
    }
    for (key, value) in &params {
        if key == "mode" && value != "ro" {
            return Err(AuditError::InvalidUrl {
                url: redacted,
                reason: format!(
                    "mode={value} is not allowed: session-audit always opens SQLite read-only (drop the mode parameter)"
                ),
            });
        }
    }
    let params = params.into_iter().filter(|(k, _)| k != "mode").collect();
    Ok(DatabaseUrl {
        target: Target::Sqlite {
            path: PathBuf::from(path),
            params,
        },
        redacted,
    })
}

/// A URL's query parameters, in order.
type Params = Vec<(String, String)>;

fn split_query(rest: &str) -> Result<(&str, Params), AuditError> {
    let Some((path, query)) = rest.split_once('?') else {
        return Ok((rest, Vec::new()));
    };
    let params = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (p.to_owned(), String::new()),
        })
        .collect();
    Ok((path, params))
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The SQLite URI that opens `path` read-only and never creates it. `?` and `#` in a path
/// would start the URI's query or fragment, and `%` an escape, so they are escaped.
pub fn sqlite_read_only_uri(path: &Path, params: &[(String, String)]) -> String {
    let mut uri = String::from("file:");
    for ch in path.to_string_lossy().chars() {
        match ch {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3F"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?mode=ro");
    for (k, v) in params {
        uri.push('&');
        uri.push_str(k);
        uri.push('=');
        uri.push_str(v);
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_names_the_server_and_database_without_credentials() {
        let at = |raw: &str| DatabaseUrl::parse(raw).unwrap().location();
        let same = ("db.internal:5432".to_owned(), "prod".to_owned());
        assert_eq!(at("postgres://audit:s3cret@db.internal/prod"), same);
        assert_eq!(at("pgsql://db.internal:5432/prod?sslmode=require"), same);
        assert_eq!(
            at("postgres:///prod?host=/var/run/postgresql"),
            ("localhost:5432".to_owned(), "prod".to_owned())
        );
        assert_eq!(
            at("mysql://root:pw@127.0.0.1/test"),
            ("127.0.0.1:3306".to_owned(), "test".to_owned())
        );
        let (host, name) = at("sqlite://db.sqlite3");
        assert_eq!(host, "localhost");
        assert!(
            Path::new(&name).is_absolute() && name.ends_with("db.sqlite3"),
            "{name}"
        );
    }

    #[test]
    fn postgres_password_is_redacted() {
        let url = DatabaseUrl::parse("postgres://app:s3cr%40t@db.internal:5432/prod").unwrap();
        assert_eq!(url.backend(), BackendKind::Postgres);
        assert_eq!(url.redacted, "postgres://app:***@db.internal:5432/prod");
    }

    #[test]
    fn sqlite_forms_route_to_sqlite() {
        for (raw, path) in [
            ("sqlite://db.sqlite3", "db.sqlite3"),
            ("sqlite:///db.sqlite3", "db.sqlite3"),
            ("sqlite:///no-such-dir/x.db", "no-such-dir/x.db"),
            ("sqlite:////tmp/x.db", "/tmp/x.db"),
            ("sqlite:////tmp/x.db?cache=shared", "/tmp/x.db"),
            ("file:/tmp/a%20b.db?cache=shared", "/tmp/a b.db"),
            ("plain/path.db", "plain/path.db"),
        ] {
            let url = DatabaseUrl::parse(raw).unwrap();
            match url.target {
                Target::Sqlite { path: p, .. } => assert_eq!(p, PathBuf::from(path), "{raw}"),
                other => panic!("{raw} routed to {other:?}"),
            }
        }
    }

    #[test]
    fn three_slashes_to_an_absolute_file_name_the_four_slash_form() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.sqlite3");
        std::fs::write(&file, b"").unwrap();
        let raw = format!("sqlite://{}", file.display());
        let err = DatabaseUrl::parse(&raw).unwrap_err().to_string();
        assert!(
            err.contains(&format!("write sqlite:///{}", file.display())),
            "{err}"
        );
    }

    #[test]
    fn pgsql_and_mysql2_are_dj_database_url_aliases() {
        let pg = DatabaseUrl::parse("pgsql://app:pw@db:5432/prod?sslmode=require").unwrap();
        assert!(
            matches!(pg.target, Target::Postgres { url } if url == "postgresql://app:pw@db:5432/prod?sslmode=require")
        );
        assert_eq!(pg.redacted, "pgsql://app:***@db:5432/prod?sslmode=require");
        let my = DatabaseUrl::parse("mysql2://root@db/test").unwrap();
        assert!(matches!(my.target, Target::Mysql { url } if url == "mysql://root@db/test"));
    }

    #[test]
    fn sqlite_write_modes_are_refused() {
        let err = DatabaseUrl::parse("file:/tmp/x.db?mode=rwc").unwrap_err();
        assert!(err.to_string().contains("read-only"), "{err}");
    }

    #[test]
    fn read_only_uri_escapes_uri_characters() {
        let uri = sqlite_read_only_uri(Path::new("/tmp/a?b#c%d.db"), &[]);
        assert_eq!(uri, "file:/tmp/a%3Fb%23c%25d.db?mode=ro");
    }

    #[test]
    fn mariadb_urls_route_to_mysql() {
        let url = DatabaseUrl::parse("mariadb://root:pw@127.0.0.1:3306/test").unwrap();
        assert_eq!(url.backend(), BackendKind::Mysql);
        assert_eq!(url.redacted, "mariadb://root:***@127.0.0.1:3306/test");
        assert!(
            matches!(url.target, Target::Mysql { url } if url == "mysql://root:pw@127.0.0.1:3306/test")
        );
    }

    #[test]
    fn unknown_scheme_is_an_error() {
        let err = DatabaseUrl::parse("oracle://x/y").unwrap_err();
        assert!(err.to_string().contains("unknown scheme"), "{err}");
    }
}
