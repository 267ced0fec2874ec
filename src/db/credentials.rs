//! Secrets that need not sit on the command line, where `ps` shows them to every user.
//!
//! A PostgreSQL URL without a password gets one the way libpq finds it: `PGPASSWORD`, then the
//! password file (`PGPASSFILE`, default `~/.pgpass`; ignored with a warning when others may read
//! it, as libpq does). The URL itself can come from `DATABASE_URL` or `--database-url-file`.
//! Nothing here ever prints a password: warnings name files and variables only.

#![cfg_attr(not(feature = "postgres"), allow(dead_code))] // only PostgreSQL reads them

use std::path::{Path, PathBuf};

/// `raw` with the password filled in from the environment or the password file, when the URL
/// has none and one is found; otherwise `raw` unchanged.
pub fn postgres_url_with_password(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        return raw.to_owned();
    };
    if url.password().is_some() {
        return raw.to_owned();
    }
    let user = percent_encoding::percent_decode_str(url.username())
        .decode_utf8_lossy()
        .into_owned();
    let user = if user.is_empty() {
        std::env::var("PGUSER")
            .or_else(|_| std::env::var("USER"))
            .unwrap_or_default()
    } else {
        user
    };
    let password = std::env::var("PGPASSWORD").ok().or_else(|| {
        let key = PassKey {
            host: url.host_str().unwrap_or("localhost").to_owned(),
            port: url.port().unwrap_or(5432).to_string(),
            database: {
                let db = url.path().trim_start_matches('/');
                if db.is_empty() {
                    user.clone()
                } else {
                    db.to_owned()
                }
            },
            user: user.clone(),
        };
        password_file().and_then(|path| lookup_password_file(&path, &key))
    });
    match password {
        Some(password) if !password.is_empty() => {
            if url.username().is_empty() && !user.is_empty() {
                let _ = url.set_username(&user);
            }
            match url.set_password(Some(&password)) {
                Ok(()) => url.into(),
                Err(()) => raw.to_owned(),
            }
        }
        _ => raw.to_owned(),
    }
}

/// What a password-file line is matched against.
#[derive(Debug, Clone)]
pub struct PassKey {
    pub host: String,
    pub port: String,
    pub database: String,
    pub user: String,
}

fn password_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PGPASSFILE") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("HOME").map(|home| Path::new(&home).join(".pgpass"))
}

fn lookup_password_file(path: &Path, key: &PassKey) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            crate::console::warning(&format!(
                "password file {} has group or world access and is ignored; run chmod 0600 {}",
                path.display(),
                path.display()
            ));
            return None;
        }
    }
    find_password(&text, key)
}

/// The first line of a `.pgpass` text that matches `key`: `host:port:database:user:password`,
/// `*` matches anything, `\:` and `\\` are a literal colon and backslash, `#` starts a comment.
pub fn find_password(text: &str, key: &PassKey) -> Option<String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#') && !line.trim().is_empty())
        .filter_map(split_fields)
        .find(|fields| {
            let wanted = [&key.host, &key.port, &key.database, &key.user];
            fields[..4]
                .iter()
                .zip(wanted)
                .all(|(field, value)| field == "*" || field == value)
        })
        .map(|fields| fields[4].clone())
}

/// The five fields of a line, or None when it has fewer.
fn split_fields(line: &str) -> Option<Vec<String>> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut()?.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut()?.push(c),
        }
    }
    (fields.len() == 5).then_some(fields)
}

/// Does this URL carry a password? (Used to warn when it is on the command line.)
pub fn has_password(raw: &str) -> bool {
    url::Url::parse(raw).is_ok_and(|u| u.password().is_some_and(|p| !p.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PassKey {
        PassKey {
            host: "db.example".into(),
            port: "5432".into(),
            database: "prod".into(),
            user: "audit".into(),
        }
    }

    #[test]
    fn the_first_matching_line_wins_with_wildcards_and_escapes() {
        let text = "# comment\nother:5432:prod:audit:nope\n*:5432:prod:audit:pa\\:ss\\\\w\n*:*:*:*:fallback\n";
        assert_eq!(find_password(text, &key()).as_deref(), Some("pa:ss\\w"));
        let other = PassKey {
            user: "someone".into(),
            ..key()
        };
        assert_eq!(find_password(text, &other).as_deref(), Some("fallback"));
    }

    #[test]
    fn short_lines_and_no_match_give_nothing() {
        assert_eq!(find_password("db.example:5432:prod\n", &key()), None);
        assert_eq!(find_password("x:1:y:z:pw\n", &key()), None);
    }

    #[test]
    fn a_password_in_the_url_is_kept_and_detected() {
        let url = "postgres://audit:secret@db.example/prod";
        assert_eq!(postgres_url_with_password(url), url);
        assert!(has_password(url));
        assert!(!has_password("postgres://audit@db.example/prod"));
        assert!(!has_password("/tmp/db.sqlite3"));
    }
}
