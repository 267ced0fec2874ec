//! The files a run reads, so that no output can replace them: `--output db.sqlite3`, or a
//! `--json` path that is a link to the database, would otherwise destroy what was audited.
//!
//! Paths are compared after resolving links and relative parts (`canonicalize`); an output
//! that does not exist yet is resolved through its folder. The audited SQLite file counts with
//! its `-wal`, `-shm` and `-journal` companions.

use std::path::{Path, PathBuf};

use crate::db::DatabaseUrl;
use crate::db::url::Target;
use crate::error::AuditError;

/// Every file the run reads: the database file, the config (`--config`, else
/// `./session-audit.toml` when it exists and `default_config`), and `others`.
pub fn read_by_the_run(
    url: Option<&DatabaseUrl>,
    config: Option<&Path>,
    default_config: bool,
    others: &[Option<&Path>],
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(DatabaseUrl {
        target: Target::Sqlite { path, .. },
        ..
    }) = url
    {
        files.push(path.clone());
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut companion = path.clone().into_os_string();
            companion.push(suffix);
            files.push(PathBuf::from(companion));
        }
    }
    let config = config.map(Path::to_path_buf).or_else(|| {
        let default = PathBuf::from(crate::config::DEFAULT_FILE);
        (default_config && default.exists()).then_some(default)
    });
    files.extend(config);
    files.extend(others.iter().flatten().map(|p| p.to_path_buf()));
    files
}

/// Where `path` really is: links and `..` resolved; through its folder when it does not exist.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(real) = path.canonicalize() {
        return Some(real);
    }
    let name = path.file_name()?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    folder.canonicalize().ok().map(|f| f.join(name))
}

/// Refuses an output that is one of the inputs (exit 2, one line), before anything runs.
pub fn refuse_writing_over(outputs: &[&Path], inputs: &[PathBuf]) -> Result<(), AuditError> {
    let inputs: Vec<(PathBuf, &PathBuf)> = inputs
        .iter()
        .filter_map(|p| resolved(p).map(|r| (r, p)))
        .collect();
    for output in outputs {
        if output.as_os_str() == "-" {
            continue;
        }
        let Some(real) = resolved(output) else {
            continue;
        };
        if let Some((_, input)) = inputs.iter().find(|(r, _)| *r == real) {
            return Err(AuditError::OutputIsAnInput {
                output: output.to_path_buf(),
                input: (*input).clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_that_is_an_input_by_any_path_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db.sqlite3");
        std::fs::write(&db, "x").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        let url = DatabaseUrl::parse(&db.to_string_lossy()).unwrap();
        let inputs = read_by_the_run(Some(&url), None, true, &[]);
        let dotted = dir.path().join("sub/../db.sqlite3");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for output in [&db, &link, &dotted, &dir.path().join("db.sqlite3-wal")] {
            let err = refuse_writing_over(&[output], &inputs)
                .unwrap_err()
                .to_string();
            assert!(err.contains("which this run reads"), "{err}");
        }
        assert!(refuse_writing_over(&[&dir.path().join("report.json")], &inputs).is_ok());
    }
}
