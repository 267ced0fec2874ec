//! Files written whole or not at all: a temporary file in the same directory, then a rename.
//! A reader (a CI step, a web server, the next scheduled run) never sees a half-written report,
//! and an interrupted run leaves at worst a stray temporary file, never a truncated one.

use std::io::Write;
use std::path::Path;

use crate::error::AuditError;

/// Writes a file through a temporary file in the same directory and a rename, so a reader
/// never sees a half-written report.
///
/// Only regular files are replaced that way. A path that is something else — `/dev/null`,
/// `/dev/stdout`, a named pipe — is written to directly: renaming over it would replace the
/// device or pipe with a plain file. A symbolic link to a file is followed, so the link stays
/// and its target is replaced.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), AuditError> {
    let fail = |source| AuditError::Output {
        path: path.to_owned(),
        source,
    };
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(fail)?;
            let mut buffered = std::io::BufWriter::new(file);
            write(&mut buffered).map_err(fail)?;
            return buffered.flush().map_err(fail);
        }
        Ok(meta) if meta.is_file() && path.is_symlink() => {
            let target = std::fs::canonicalize(path).map_err(fail)?;
            return write_atomically(&target, write);
        }
        _ => {}
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    // A temporary file is private (0600); a report is for sharing (CI artifacts, a web page),
    // so it gets the mode a shell would give it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    let mut buffered = std::io::BufWriter::new(file.as_file_mut());
    write(&mut buffered).map_err(fail)?;
    buffered.flush().map_err(fail)?;
    drop(buffered);
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
