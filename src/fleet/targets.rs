//! The targets file of a fleet audit (`--targets targets.toml`): the databases to audit in one
//! run, each with a name that labels its part of the report and its folder of history.
//!
//! ```toml
//! [[target]]
//! name = "eu-west"
//! url_file = "secrets/eu-west.url"   # or url = "postgres://audit@eu-west/app"
//! config = "eu-west.toml"            # optional; else the run's --config
//! ```
//!
//! Paths (`url_file`, `config`) are relative to the targets file, so the file and what it
//! names move together. A URL is taken as written, like `--database-url`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::ConfigError;

/// One database of the fleet, as the targets file gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub name: String,
    pub url: UrlSource,
    /// The target's own configuration file, resolved against the targets file's folder.
    pub config: Option<PathBuf>,
}

/// Where a target's database URL comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlSource {
    Url(String),
    /// A file whose first line is the URL, so its password is in no shared file.
    File(PathBuf),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargetsFile {
    #[serde(default)]
    target: Vec<RawTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    url: Option<String>,
    url_file: Option<PathBuf>,
    config: Option<PathBuf>,
}

/// Reads and validates a targets file: at least one target, unique names usable as folder
/// names and metric labels, exactly one of `url` and `url_file` each.
pub fn load(path: &Path) -> Result<Vec<Target>, ConfigError> {
    let text = crate::stdio::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        flag: "--targets",
        source,
    })?;
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> Result<Vec<Target>, ConfigError> {
    let raw: RawTargetsFile = crate::config::parse(path, text)?;
    let invalid = |message: String| ConfigError::Invalid {
        path: path.to_owned(),
        message,
    };
    if raw.target.is_empty() {
        return Err(invalid(
            "names no database; add a [[target]] table with a name and a url or url_file for each"
                .into(),
        ));
    }
    let base = path.parent().unwrap_or(Path::new(""));
    let mut targets: Vec<Target> = Vec::with_capacity(raw.target.len());
    for raw in raw.target {
        let name = raw.name.trim().to_owned();
        check_name(&name).map_err(|problem| invalid(format!("target name `{name}` {problem}")))?;
        if targets.iter().any(|t| t.name == name) {
            return Err(invalid(format!(
                "two targets are named `{name}`; give each its own name (it names its reports' folder)"
            )));
        }
        let url = match (raw.url, raw.url_file) {
            (Some(url), None) => UrlSource::Url(url),
            (None, Some(file)) => UrlSource::File(base.join(file)),
            (Some(_), Some(_)) => {
                return Err(invalid(format!(
                    "target `{name}` has both url and url_file; keep one"
                )));
            }
            (None, None) => {
                return Err(invalid(format!(
                    "target `{name}` has no url or url_file; give it one"
                )));
            }
        };
        targets.push(Target {
            name,
            url,
            config: raw.config.map(|c| base.join(c)),
        });
    }
    Ok(targets)
}

/// A name that is safe as a folder name, a file name and an OpenMetrics label value.
fn check_name(name: &str) -> Result<(), &'static str> {
    let mut chars = name.chars();
    match chars.next() {
        None => Err("is empty; name each target"),
        Some(first) if !first.is_ascii_alphanumeric() => Err("must start with a letter or a digit"),
        _ if name.len() > 64 => Err("is longer than 64 characters"),
        _ if !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) => {
            Err("may hold only letters, digits, `-`, `_` and `.` (it names a folder)")
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Vec<Target>, String> {
        parse(Path::new("conf/targets.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn targets_resolve_their_paths_against_the_file() {
        let targets = parsed(
            "[[target]]\nname = \"eu\"\nurl = \"postgres://a@eu/app\"\n\n\
             [[target]]\nname = \"us.1\"\nurl_file = \"us.url\"\nconfig = \"us.toml\"\n",
        )
        .unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[0].url, UrlSource::Url("postgres://a@eu/app".into()));
        assert_eq!(targets[0].config, None);
        assert_eq!(targets[1].url, UrlSource::File("conf/us.url".into()));
        assert_eq!(targets[1].config, Some("conf/us.toml".into()));
    }

    #[test]
    fn mistakes_are_named_with_their_fix() {
        for (text, expected) in [
            ("", "names no database"),
            ("[[target]]\nname = \"a\"\n", "has no url or url_file"),
            (
                "[[target]]\nname = \"a\"\nurl = \"x\"\nurl_file = \"y\"\n",
                "has both url and url_file",
            ),
            (
                "[[target]]\nname = \"a\"\nurl = \"x\"\n[[target]]\nname = \"a\"\nurl = \"y\"\n",
                "two targets are named `a`",
            ),
            (
                "[[target]]\nname = \"../x\"\nurl = \"x\"\n",
                "must start with",
            ),
            ("[[target]]\nname = \"a b\"\nurl = \"x\"\n", "may hold only"),
            (
                "[[target]]\nname = \"a\"\nurl = \"x\"\nport = 1\n",
                "unknown field",
            ),
        ] {
            let error = parsed(text).unwrap_err();
            assert!(error.contains(expected), "{text:?}: {error}");
            assert!(error.contains("conf/targets.toml"), "{error}");
        }
    }
}
